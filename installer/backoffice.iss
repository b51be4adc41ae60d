; Inno Setup 6 script: Windows installer for the one-folder bundle built by installer/backoffice.spec.
;
; Build on a Windows workstation (Python 3.11+ x64, Inno Setup 6.3+ (for "x64compatible") from https://jrsoftware.org):
;   py -3.11 -m venv .venv
;   .venv\Scripts\python -m pip install -e ".[bundle]"
;   .venv\Scripts\python -m PyInstaller --noconfirm installer\backoffice.spec
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" installer\backoffice.iss
; Result: dist\backoffice-setup-<version>.exe. Pass /DAppVersion=1.2.3 to ISCC to stamp another version.
;
; The setup asks whether to install for the current user only (no administrator rights, in
; %LOCALAPPDATA%\Programs) or for every user of the workstation (Program Files); silent deployment:
;   backoffice-setup-0.1.0.exe /VERYSILENT /ALLUSERS      (or /CURRENTUSER)
; Uninstalling removes the program, never the agents' data (settings, local database, logs in the user
; profile, %LOCALAPPDATA%\CentreCourriers\backoffice).

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define AppName "Back-office Centre Courriers"
#define AppExe "backoffice.exe"

[Setup]
AppId={{6F0C8E52-3B7A-4C1D-9A53-2E8B1D7F4C60}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Centre Courriers de Noisy-le-Sec
DefaultDirName={autopf}\Back-office
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\dist
OutputBaseFilename=backoffice-setup-{#AppVersion}
SetupIconFile=..\build\backoffice\icons\backoffice.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes
ShowLanguageDialog=no

[Languages]
Name: "french"; MessagesFile: "compiler:Languages\French.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[InstallDelete]
; An upgrade replaces the whole bundle: no module of an older version may stay next to the new ones.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "..\dist\backoffice\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent
