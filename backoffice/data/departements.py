"""French départements, their préfectures and a few real communes, for demo data and distance estimates.

Kept as literal data (no download at run time) so that demo data are reproducible and the app works offline.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache


@dataclass(frozen=True, slots=True)
class Commune:
    name: str
    postcode: str
    departement: str


@dataclass(frozen=True, slots=True)
class Departement:
    code: str
    name: str
    region: str
    prefecture: Commune
    latitude: float
    longitude: float


_ARA = "Auvergne-Rhône-Alpes"
_BFC = "Bourgogne-Franche-Comté"
_BRE = "Bretagne"
_CVL = "Centre-Val de Loire"
_COR = "Corse"
_GES = "Grand Est"
_HDF = "Hauts-de-France"
_IDF = "Île-de-France"
_NOR = "Normandie"
_NAQ = "Nouvelle-Aquitaine"
_OCC = "Occitanie"
_PDL = "Pays de la Loire"
_PAC = "Provence-Alpes-Côte d'Azur"

# code, name, region, (préfecture, postcode, latitude, longitude), other communes (name, postcode)
# fmt: off
_RAW: tuple[tuple[str, str, str, tuple[str, str, float, float], tuple[tuple[str, str], ...]], ...] = (
    ("01", "Ain", _ARA, ("Bourg-en-Bresse", "01000", 46.21, 5.23),
     (("Oyonnax", "01100"), ("Ambérieu-en-Bugey", "01500"), ("Belley", "01300"), ("Gex", "01170"))),
    ("02", "Aisne", _HDF, ("Laon", "02000", 49.56, 3.62),
     (("Saint-Quentin", "02100"), ("Soissons", "02200"), ("Château-Thierry", "02400"), ("Chauny", "02300"))),
    ("03", "Allier", _ARA, ("Moulins", "03000", 46.57, 3.33),
     (("Montluçon", "03100"), ("Vichy", "03200"), ("Cusset", "03300"))),
    ("04", "Alpes-de-Haute-Provence", _PAC, ("Digne-les-Bains", "04000", 44.09, 6.24),
     (("Manosque", "04100"), ("Sisteron", "04200"), ("Forcalquier", "04300"), ("Barcelonnette", "04400"))),
    ("05", "Hautes-Alpes", _PAC, ("Gap", "05000", 44.56, 6.08),
     (("Briançon", "05100"), ("Embrun", "05200"), ("Laragne-Montéglin", "05300"))),
    ("06", "Alpes-Maritimes", _PAC, ("Nice", "06000", 43.70, 7.27),
     (("Cannes", "06400"), ("Antibes", "06600"), ("Grasse", "06130"), ("Menton", "06500"),
      ("Cagnes-sur-Mer", "06800"))),
    ("07", "Ardèche", _ARA, ("Privas", "07000", 44.74, 4.60),
     (("Annonay", "07100"), ("Aubenas", "07200"), ("Tournon-sur-Rhône", "07300"))),
    ("08", "Ardennes", _GES, ("Charleville-Mézières", "08000", 49.77, 4.72),
     (("Sedan", "08200"), ("Rethel", "08300"), ("Givet", "08600"))),
    ("09", "Ariège", _OCC, ("Foix", "09000", 42.96, 1.61),
     (("Pamiers", "09100"), ("Saint-Girons", "09200"), ("Lavelanet", "09300"))),
    ("10", "Aube", _GES, ("Troyes", "10000", 48.30, 4.07),
     (("Romilly-sur-Seine", "10100"), ("Bar-sur-Aube", "10200"), ("Nogent-sur-Seine", "10400"))),
    ("11", "Aude", _OCC, ("Carcassonne", "11000", 43.21, 2.35),
     (("Narbonne", "11100"), ("Castelnaudary", "11400"), ("Limoux", "11300"))),
    ("12", "Aveyron", _OCC, ("Rodez", "12000", 44.35, 2.57),
     (("Millau", "12100"), ("Villefranche-de-Rouergue", "12200"), ("Decazeville", "12300"))),
    ("13", "Bouches-du-Rhône", _PAC, ("Marseille", "13006", 43.30, 5.38),
     (("Aix-en-Provence", "13100"), ("Arles", "13200"), ("Aubagne", "13400"), ("Martigues", "13500"),
      ("Salon-de-Provence", "13300"), ("Istres", "13800"))),
    ("14", "Calvados", _NOR, ("Caen", "14000", 49.18, -0.37),
     (("Lisieux", "14100"), ("Bayeux", "14400"), ("Hérouville-Saint-Clair", "14200"), ("Honfleur", "14600"))),
    ("15", "Cantal", _ARA, ("Aurillac", "15000", 44.93, 2.44),
     (("Saint-Flour", "15100"), ("Mauriac", "15200"), ("Arpajon-sur-Cère", "15130"))),
    ("16", "Charente", _NAQ, ("Angoulême", "16000", 45.65, 0.16),
     (("Cognac", "16100"), ("Jarnac", "16200"), ("Ruffec", "16700"), ("Confolens", "16500"))),
    ("17", "Charente-Maritime", _NAQ, ("La Rochelle", "17000", 46.16, -1.15),
     (("Saintes", "17100"), ("Rochefort", "17300"), ("Royan", "17200"), ("Saint-Jean-d'Angély", "17400"))),
    ("18", "Cher", _CVL, ("Bourges", "18000", 47.08, 2.40),
     (("Vierzon", "18100"), ("Saint-Amand-Montrond", "18200"), ("Aubigny-sur-Nère", "18700"))),
    ("19", "Corrèze", _NAQ, ("Tulle", "19000", 45.27, 1.77),
     (("Brive-la-Gaillarde", "19100"), ("Ussel", "19200"), ("Malemort", "19360"))),
    ("2A", "Corse-du-Sud", _COR, ("Ajaccio", "20000", 41.92, 8.74),
     (("Porto-Vecchio", "20137"), ("Propriano", "20110"), ("Sartène", "20100"), ("Bonifacio", "20169"))),
    ("2B", "Haute-Corse", _COR, ("Bastia", "20200", 42.70, 9.45),
     (("Corte", "20250"), ("Calvi", "20260"), ("L'Île-Rousse", "20220"), ("Borgo", "20290"))),
    ("21", "Côte-d'Or", _BFC, ("Dijon", "21000", 47.32, 5.04),
     (("Beaune", "21200"), ("Montbard", "21500"), ("Chenôve", "21300"), ("Talant", "21240"))),
    ("22", "Côtes-d'Armor", _BRE, ("Saint-Brieuc", "22000", 48.51, -2.76),
     (("Lannion", "22300"), ("Dinan", "22100"), ("Guingamp", "22200"), ("Loudéac", "22600"))),
    ("23", "Creuse", _NAQ, ("Guéret", "23000", 46.17, 1.87),
     (("Aubusson", "23200"), ("La Souterraine", "23300"), ("Bourganeuf", "23400"))),
    ("24", "Dordogne", _NAQ, ("Périgueux", "24000", 45.18, 0.72),
     (("Bergerac", "24100"), ("Sarlat-la-Canéda", "24200"), ("Nontron", "24300"))),
    ("25", "Doubs", _BFC, ("Besançon", "25000", 47.24, 6.02),
     (("Montbéliard", "25200"), ("Pontarlier", "25300"), ("Audincourt", "25400"))),
    ("26", "Drôme", _ARA, ("Valence", "26000", 44.93, 4.89),
     (("Montélimar", "26200"), ("Romans-sur-Isère", "26100"), ("Die", "26150"), ("Nyons", "26110"))),
    ("27", "Eure", _NOR, ("Évreux", "27000", 49.02, 1.15),
     (("Vernon", "27200"), ("Louviers", "27400"), ("Les Andelys", "27700"), ("Bernay", "27300"))),
    ("28", "Eure-et-Loir", _CVL, ("Chartres", "28000", 48.45, 1.49),
     (("Dreux", "28100"), ("Châteaudun", "28200"), ("Nogent-le-Rotrou", "28400"))),
    ("29", "Finistère", _BRE, ("Quimper", "29000", 48.00, -4.10),
     (("Brest", "29200"), ("Morlaix", "29600"), ("Concarneau", "29900"), ("Quimperlé", "29300"),
      ("Landerneau", "29800"))),
    ("30", "Gard", _OCC, ("Nîmes", "30000", 43.84, 4.36),
     (("Alès", "30100"), ("Bagnols-sur-Cèze", "30200"), ("Beaucaire", "30300"), ("Le Vigan", "30120"))),
    ("31", "Haute-Garonne", _OCC, ("Toulouse", "31000", 43.60, 1.44),
     (("Colomiers", "31770"), ("Tournefeuille", "31170"), ("Muret", "31600"), ("Blagnac", "31700"),
      ("Saint-Gaudens", "31800"))),
    ("32", "Gers", _OCC, ("Auch", "32000", 43.65, 0.59),
     (("Condom", "32100"), ("Mirande", "32300"), ("L'Isle-Jourdain", "32600"), ("Fleurance", "32500"))),
    ("33", "Gironde", _NAQ, ("Bordeaux", "33000", 44.84, -0.58),
     (("Mérignac", "33700"), ("Pessac", "33600"), ("Talence", "33400"), ("Arcachon", "33120"),
      ("Libourne", "33500"))),
    ("34", "Hérault", _OCC, ("Montpellier", "34000", 43.61, 3.88),
     (("Béziers", "34500"), ("Sète", "34200"), ("Agde", "34300"), ("Lunel", "34400"), ("Lodève", "34700"))),
    ("35", "Ille-et-Vilaine", _BRE, ("Rennes", "35000", 48.11, -1.68),
     (("Saint-Malo", "35400"), ("Fougères", "35300"), ("Vitré", "35500"), ("Redon", "35600"))),
    ("36", "Indre", _CVL, ("Châteauroux", "36000", 46.81, 1.69),
     (("Issoudun", "36100"), ("Le Blanc", "36300"), ("La Châtre", "36400"),
      ("Argenton-sur-Creuse", "36200"))),
    ("37", "Indre-et-Loire", _CVL, ("Tours", "37000", 47.39, 0.69),
     (("Joué-lès-Tours", "37300"), ("Amboise", "37400"), ("Chinon", "37500"), ("Loches", "37600"))),
    ("38", "Isère", _ARA, ("Grenoble", "38000", 45.19, 5.72),
     (("Vienne", "38200"), ("Échirolles", "38130"), ("Voiron", "38500"), ("Bourgoin-Jallieu", "38300"),
      ("Saint-Martin-d'Hères", "38400"))),
    ("39", "Jura", _BFC, ("Lons-le-Saunier", "39000", 46.67, 5.55),
     (("Dole", "39100"), ("Saint-Claude", "39200"), ("Champagnole", "39300"))),
    ("40", "Landes", _NAQ, ("Mont-de-Marsan", "40000", 43.89, -0.50),
     (("Dax", "40100"), ("Biscarrosse", "40600"), ("Mimizan", "40200"), ("Saint-Paul-lès-Dax", "40990"))),
    ("41", "Loir-et-Cher", _CVL, ("Blois", "41000", 47.59, 1.33),
     (("Vendôme", "41100"), ("Romorantin-Lanthenay", "41200"), ("Vineuil", "41350"))),
    ("42", "Loire", _ARA, ("Saint-Étienne", "42000", 45.44, 4.39),
     (("Roanne", "42300"), ("Saint-Chamond", "42400"), ("Firminy", "42700"), ("Montbrison", "42600"))),
    ("43", "Haute-Loire", _ARA, ("Le Puy-en-Velay", "43000", 45.04, 3.89),
     (("Yssingeaux", "43200"), ("Brioude", "43100"), ("Monistrol-sur-Loire", "43120"))),
    ("44", "Loire-Atlantique", _PDL, ("Nantes", "44000", 47.22, -1.55),
     (("Saint-Nazaire", "44600"), ("Rezé", "44400"), ("Saint-Herblain", "44800"),
      ("La Baule-Escoublac", "44500"), ("Châteaubriant", "44110"))),
    ("45", "Loiret", _CVL, ("Orléans", "45000", 47.90, 1.91),
     (("Montargis", "45200"), ("Gien", "45500"), ("Pithiviers", "45300"), ("Fleury-les-Aubrais", "45400"))),
    ("46", "Lot", _OCC, ("Cahors", "46000", 44.45, 1.44),
     (("Figeac", "46100"), ("Gourdon", "46300"), ("Souillac", "46200"))),
    ("47", "Lot-et-Garonne", _NAQ, ("Agen", "47000", 44.20, 0.62),
     (("Villeneuve-sur-Lot", "47300"), ("Marmande", "47200"), ("Nérac", "47600"))),
    ("48", "Lozère", _OCC, ("Mende", "48000", 44.52, 3.50),
     (("Marvejols", "48100"), ("Saint-Chély-d'Apcher", "48200"), ("Langogne", "48300"))),
    ("49", "Maine-et-Loire", _PDL, ("Angers", "49000", 47.47, -0.55),
     (("Cholet", "49300"), ("Saumur", "49400"), ("Trélazé", "49800"))),
    ("50", "Manche", _NOR, ("Saint-Lô", "50000", 49.12, -1.09),
     (("Cherbourg-en-Cotentin", "50100"), ("Granville", "50400"), ("Coutances", "50200"),
      ("Avranches", "50300"))),
    ("51", "Marne", _GES, ("Châlons-en-Champagne", "51000", 48.96, 4.36),
     (("Reims", "51100"), ("Épernay", "51200"), ("Vitry-le-François", "51300"))),
    ("52", "Haute-Marne", _GES, ("Chaumont", "52000", 48.11, 5.14),
     (("Saint-Dizier", "52100"), ("Langres", "52200"), ("Joinville", "52300"))),
    ("53", "Mayenne", _PDL, ("Laval", "53000", 48.07, -0.77),
     (("Mayenne", "53100"), ("Château-Gontier-sur-Mayenne", "53200"), ("Évron", "53600"))),
    ("54", "Meurthe-et-Moselle", _GES, ("Nancy", "54000", 48.69, 6.18),
     (("Lunéville", "54300"), ("Toul", "54200"), ("Vandœuvre-lès-Nancy", "54500"), ("Longwy", "54400"))),
    ("55", "Meuse", _GES, ("Bar-le-Duc", "55000", 48.77, 5.16),
     (("Verdun", "55100"), ("Commercy", "55200"), ("Stenay", "55700"))),
    ("56", "Morbihan", _BRE, ("Vannes", "56000", 47.66, -2.76),
     (("Lorient", "56100"), ("Lanester", "56600"), ("Pontivy", "56300"), ("Auray", "56400"))),
    ("57", "Moselle", _GES, ("Metz", "57000", 49.12, 6.18),
     (("Thionville", "57100"), ("Forbach", "57600"), ("Sarreguemines", "57200"), ("Sarrebourg", "57400"))),
    ("58", "Nièvre", _BFC, ("Nevers", "58000", 46.99, 3.16),
     (("Cosne-Cours-sur-Loire", "58200"), ("Decize", "58300"), ("Clamecy", "58500"))),
    ("59", "Nord", _HDF, ("Lille", "59000", 50.63, 3.06),
     (("Roubaix", "59100"), ("Tourcoing", "59200"), ("Dunkerque", "59140"), ("Valenciennes", "59300"),
      ("Douai", "59500"))),
    ("60", "Oise", _HDF, ("Beauvais", "60000", 49.43, 2.08),
     (("Compiègne", "60200"), ("Creil", "60100"), ("Senlis", "60300"), ("Noyon", "60400"))),
    ("61", "Orne", _NOR, ("Alençon", "61000", 48.43, 0.09),
     (("Flers", "61100"), ("Argentan", "61200"), ("L'Aigle", "61300"))),
    ("62", "Pas-de-Calais", _HDF, ("Arras", "62000", 50.29, 2.78),
     (("Calais", "62100"), ("Boulogne-sur-Mer", "62200"), ("Lens", "62300"), ("Béthune", "62400"),
      ("Saint-Omer", "62500"))),
    ("63", "Puy-de-Dôme", _ARA, ("Clermont-Ferrand", "63000", 45.78, 3.09),
     (("Riom", "63200"), ("Thiers", "63300"), ("Issoire", "63500"), ("Cournon-d'Auvergne", "63800"))),
    ("64", "Pyrénées-Atlantiques", _NAQ, ("Pau", "64000", 43.30, -0.37),
     (("Bayonne", "64100"), ("Biarritz", "64200"), ("Anglet", "64600"), ("Oloron-Sainte-Marie", "64400"),
      ("Orthez", "64300"))),
    ("65", "Hautes-Pyrénées", _OCC, ("Tarbes", "65000", 43.23, 0.08),
     (("Lourdes", "65100"), ("Bagnères-de-Bigorre", "65200"), ("Lannemezan", "65300"))),
    ("66", "Pyrénées-Orientales", _OCC, ("Perpignan", "66000", 42.70, 2.90),
     (("Canet-en-Roussillon", "66140"), ("Argelès-sur-Mer", "66700"), ("Céret", "66400"),
      ("Prades", "66500"))),
    ("67", "Bas-Rhin", _GES, ("Strasbourg", "67000", 48.58, 7.75),
     (("Haguenau", "67500"), ("Schiltigheim", "67300"), ("Illkirch-Graffenstaden", "67400"),
      ("Sélestat", "67600"), ("Saverne", "67700"))),
    ("68", "Haut-Rhin", _GES, ("Colmar", "68000", 48.08, 7.36),
     (("Mulhouse", "68100"), ("Saint-Louis", "68300"), ("Guebwiller", "68500"), ("Thann", "68800"))),
    ("69", "Rhône", _ARA, ("Lyon", "69003", 45.76, 4.84),
     (("Villeurbanne", "69100"), ("Vénissieux", "69200"), ("Villefranche-sur-Saône", "69400"),
      ("Caluire-et-Cuire", "69300"), ("Bron", "69500"))),
    ("70", "Haute-Saône", _BFC, ("Vesoul", "70000", 47.62, 6.16),
     (("Lure", "70200"), ("Gray", "70100"), ("Luxeuil-les-Bains", "70300"), ("Héricourt", "70400"))),
    ("71", "Saône-et-Loire", _BFC, ("Mâcon", "71000", 46.31, 4.83),
     (("Chalon-sur-Saône", "71100"), ("Le Creusot", "71200"), ("Montceau-les-Mines", "71300"),
      ("Autun", "71400"))),
    ("72", "Sarthe", _PDL, ("Le Mans", "72000", 48.01, 0.20),
     (("La Flèche", "72200"), ("Sablé-sur-Sarthe", "72300"), ("Mamers", "72600"))),
    ("73", "Savoie", _ARA, ("Chambéry", "73000", 45.56, 5.92),
     (("Aix-les-Bains", "73100"), ("Albertville", "73200"), ("Saint-Jean-de-Maurienne", "73300"))),
    ("74", "Haute-Savoie", _ARA, ("Annecy", "74000", 45.90, 6.13),
     (("Thonon-les-Bains", "74200"), ("Annemasse", "74100"), ("Cluses", "74300"),
      ("Chamonix-Mont-Blanc", "74400"), ("Évian-les-Bains", "74500"))),
    ("75", "Paris", _IDF, ("Paris", "75004", 48.86, 2.35),
     tuple(("Paris", f"750{n:02d}") for n in range(1, 21) if n != 4)),
    ("76", "Seine-Maritime", _NOR, ("Rouen", "76000", 49.44, 1.10),
     (("Le Havre", "76600"), ("Dieppe", "76200"), ("Fécamp", "76400"), ("Elbeuf", "76500"),
      ("Sotteville-lès-Rouen", "76300"))),
    ("77", "Seine-et-Marne", _IDF, ("Melun", "77000", 48.54, 2.66),
     (("Meaux", "77100"), ("Chelles", "77500"), ("Fontainebleau", "77300"), ("Pontault-Combault", "77340"),
      ("Provins", "77160"))),
    ("78", "Yvelines", _IDF, ("Versailles", "78000", 48.80, 2.13),
     (("Saint-Germain-en-Laye", "78100"), ("Mantes-la-Jolie", "78200"), ("Poissy", "78300"),
      ("Sartrouville", "78500"), ("Rambouillet", "78120"))),
    ("79", "Deux-Sèvres", _NAQ, ("Niort", "79000", 46.32, -0.46),
     (("Bressuire", "79300"), ("Parthenay", "79200"), ("Thouars", "79100"))),
    ("80", "Somme", _HDF, ("Amiens", "80000", 49.89, 2.30),
     (("Abbeville", "80100"), ("Péronne", "80200"), ("Albert", "80300"), ("Montdidier", "80500"))),
    ("81", "Tarn", _OCC, ("Albi", "81000", 43.93, 2.15),
     (("Castres", "81100"), ("Gaillac", "81600"), ("Graulhet", "81300"), ("Lavaur", "81500"),
      ("Mazamet", "81200"))),
    ("82", "Tarn-et-Garonne", _OCC, ("Montauban", "82000", 44.02, 1.35),
     (("Castelsarrasin", "82100"), ("Moissac", "82200"), ("Caussade", "82300"))),
    ("83", "Var", _PAC, ("Toulon", "83000", 43.12, 5.93),
     (("Fréjus", "83600"), ("Hyères", "83400"), ("Draguignan", "83300"), ("La Seyne-sur-Mer", "83500"),
      ("Saint-Raphaël", "83700"))),
    ("84", "Vaucluse", _PAC, ("Avignon", "84000", 43.95, 4.81),
     (("Carpentras", "84200"), ("Orange", "84100"), ("Cavaillon", "84300"), ("Apt", "84400"))),
    ("85", "Vendée", _PDL, ("La Roche-sur-Yon", "85000", 46.67, -1.43),
     (("Les Sables-d'Olonne", "85100"), ("Challans", "85300"), ("Fontenay-le-Comte", "85200"),
      ("Luçon", "85400"))),
    ("86", "Vienne", _NAQ, ("Poitiers", "86000", 46.58, 0.34),
     (("Châtellerault", "86100"), ("Loudun", "86200"), ("Montmorillon", "86500"))),
    ("87", "Haute-Vienne", _NAQ, ("Limoges", "87000", 45.83, 1.26),
     (("Saint-Junien", "87200"), ("Panazol", "87350"), ("Bellac", "87300"),
      ("Saint-Yrieix-la-Perche", "87500"))),
    ("88", "Vosges", _GES, ("Épinal", "88000", 48.17, 6.45),
     (("Saint-Dié-des-Vosges", "88100"), ("Remiremont", "88200"), ("Gérardmer", "88400"),
      ("Neufchâteau", "88300"))),
    ("89", "Yonne", _BFC, ("Auxerre", "89000", 47.80, 3.57),
     (("Sens", "89100"), ("Avallon", "89200"), ("Joigny", "89300"))),
    ("90", "Territoire de Belfort", _BFC, ("Belfort", "90000", 47.64, 6.86),
     (("Delle", "90100"), ("Valdoie", "90300"), ("Beaucourt", "90500"))),
    ("91", "Essonne", _IDF, ("Évry-Courcouronnes", "91000", 48.63, 2.44),
     (("Massy", "91300"), ("Corbeil-Essonnes", "91100"), ("Savigny-sur-Orge", "91600"),
      ("Palaiseau", "91120"), ("Étampes", "91150"))),
    ("92", "Hauts-de-Seine", _IDF, ("Nanterre", "92000", 48.89, 2.21),
     (("Boulogne-Billancourt", "92100"), ("Colombes", "92700"), ("Courbevoie", "92400"),
      ("Rueil-Malmaison", "92500"), ("Issy-les-Moulineaux", "92130"))),
    ("93", "Seine-Saint-Denis", _IDF, ("Bobigny", "93000", 48.91, 2.44),
     (("Noisy-le-Sec", "93130"), ("Montreuil", "93100"), ("Saint-Denis", "93200"), ("Aubervilliers", "93300"),
      ("Aulnay-sous-Bois", "93600"))),
    ("94", "Val-de-Marne", _IDF, ("Créteil", "94000", 48.79, 2.46),
     (("Vitry-sur-Seine", "94400"), ("Champigny-sur-Marne", "94500"), ("Saint-Maur-des-Fossés", "94100"),
      ("Ivry-sur-Seine", "94200"), ("Vincennes", "94300"))),
    # The préfecture building stands in Cergy; the legal chef-lieu is Pontoise.
    ("95", "Val-d'Oise", _IDF, ("Cergy", "95000", 49.04, 2.08),
     (("Pontoise", "95300"), ("Argenteuil", "95100"), ("Sarcelles", "95200"), ("Garges-lès-Gonesse", "95140"),
      ("Franconville", "95130"), ("Ermont", "95120"))),
    ("971", "Guadeloupe", "Guadeloupe", ("Basse-Terre", "97100", 16.00, -61.73),
     (("Pointe-à-Pitre", "97110"), ("Les Abymes", "97139"), ("Baie-Mahault", "97122"), ("Le Gosier", "97190"),
      ("Sainte-Anne", "97180"))),
    ("972", "Martinique", "Martinique", ("Fort-de-France", "97200", 14.60, -61.07),
     (("Le Lamentin", "97232"), ("Schœlcher", "97233"), ("Le Robert", "97231"), ("Le François", "97240"),
      ("Sainte-Marie", "97230"))),
    ("973", "Guyane", "Guyane", ("Cayenne", "97300", 4.94, -52.33),
     (("Kourou", "97310"), ("Saint-Laurent-du-Maroni", "97320"), ("Matoury", "97351"),
      ("Rémire-Montjoly", "97354"))),
    ("974", "La Réunion", "La Réunion", ("Saint-Denis", "97400", -20.88, 55.45),
     (("Saint-Pierre", "97410"), ("Saint-Paul", "97460"), ("Le Tampon", "97430"), ("Saint-André", "97440"),
      ("Saint-Louis", "97450"))),
    ("976", "Mayotte", "Mayotte", ("Mamoudzou", "97600", -12.78, 45.23),
     (("Dzaoudzi", "97615"), ("Koungou", "97690"), ("Sada", "97640"))),
)
# fmt: on

DEPARTEMENTS: tuple[Departement, ...] = tuple(
    Departement(code, name, region, Commune(pref, postcode, code), lat, lon)
    for code, name, region, (pref, postcode, lat, lon), _ in _RAW
)

#: Every commune we know, préfectures first then the others, in département order.
COMMUNES: tuple[Commune, ...] = tuple(d.prefecture for d in DEPARTEMENTS) + tuple(
    Commune(name, postcode, code) for code, _, _, _, others in _RAW for name, postcode in others
)

_BY_CODE: dict[str, Departement] = {d.code: d for d in DEPARTEMENTS}

# Overseas collectivities sharing the Guadeloupe postal range but not départements since 2007.
_NOT_DEPARTEMENT_POSTCODES = frozenset({"97133", "97150"})  # Saint-Barthélemy, Saint-Martin


def get_departement(code: str) -> Departement:
    """The département with this code ("01", "2A", "974"); a ValueError names an unknown code."""
    try:
        return _BY_CODE[code.strip().upper()]
    except KeyError:
        raise ValueError(f"Département inconnu : {code!r}") from None


def departement_of_postcode(postcode: str) -> str | None:
    """Département code a postcode belongs to, or None when it is not a French département's.

    Corsica shares the 20xxx range (200xx–201xx Corse-du-Sud, 202xx–206xx Haute-Corse); overseas codes
    use three digits; 980 is Monaco. A handful of communes carry a neighbouring département's postcode:
    this answers by the postal range, which is what an address on a letter shows.
    """
    text = "".join(postcode.split())
    if len(text) != 5 or not text.isascii() or not text.isdigit():
        return None
    head = text[:2]
    if head == "00":
        return None
    if head == "20":
        if text[2] in "01":
            return "2A"
        if text[2] in "23456":
            return "2B"
        return None
    if head in ("97", "98"):
        code = text[:3]
        if text in _NOT_DEPARTEMENT_POSTCODES or code not in _BY_CODE:
            return None
        return code
    return head if head in _BY_CODE else None


@cache
def distance_km(dep_a: str, dep_b: str) -> float:
    """Great-circle distance between two préfectures: a rough "how far" for an expert's travel."""
    a, b = get_departement(dep_a), get_departement(dep_b)
    lat1, lon1, lat2, lon2 = map(math.radians, (a.latitude, a.longitude, b.latitude, b.longitude))
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))
