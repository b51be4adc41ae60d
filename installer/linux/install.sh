#!/usr/bin/env bash
# Installs the one-folder bundle for the current user (or for everyone with --system, as root):
# program in ~/.local/opt/backoffice (/opt/backoffice), commands in ~/.local/bin (/usr/local/bin),
# menu entry and icons in ~/.local/share (/usr/local/share). Re-running it upgrades; --uninstall removes it.
# Usage: installer/linux/install.sh [--system] [--uninstall] [BUNDLE_DIR (default: dist/backoffice)]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
prefix="$HOME/.local"; opt="$HOME/.local/opt"; uninstall=0; bundle=""
for arg in "$@"; do
  case "$arg" in
    --system) prefix=/usr/local; opt=/opt ;;
    --uninstall) uninstall=1 ;;
    *) bundle="$arg" ;;
  esac
done
bundle="${bundle:-$here/../../dist/backoffice}"
target="$opt/backoffice"
apps="$prefix/share/applications"
icons="$prefix/share/icons/hicolor"

rm -rf "$target" "$prefix/bin/backoffice" "$prefix/bin/backoffice-admin" "$apps/backoffice.desktop" \
       "$icons/256x256/apps/backoffice.png" "$icons/scalable/apps/backoffice.svg"
if [ "$uninstall" = 1 ]; then
  echo "Back-office désinstallé."
  exit 0
fi
[ -x "$bundle/backoffice" ] || { echo "Paquet introuvable : $bundle (lancez « make bundle »)" >&2; exit 1; }
mkdir -p "$opt" "$prefix/bin" "$apps" "$icons/256x256/apps" "$icons/scalable/apps"
cp -a "$bundle" "$target"
ln -s "$target/backoffice" "$prefix/bin/backoffice"
ln -s "$target/backoffice-admin" "$prefix/bin/backoffice-admin"
install -m 644 "$target/_internal/icons/backoffice.png" "$icons/256x256/apps/backoffice.png"
install -m 644 "$target/_internal/backoffice/resources/icons/app.svg" "$icons/scalable/apps/backoffice.svg"
sed -e "s|^Exec=.*|Exec=$target/backoffice|" -e "s|^TryExec=.*|TryExec=$target/backoffice|" \
    "$here/backoffice.desktop" > "$apps/backoffice.desktop"
command -v update-desktop-database >/dev/null && update-desktop-database -q "$apps" || true
command -v gtk-update-icon-cache >/dev/null && gtk-update-icon-cache -q -t "$icons" || true
echo "Back-office installé dans $target (menu : Bureautique → Back-office Centre Courriers)."
