"""Places and organisations that a testimony names and an evaluator needs: they are not redacted.

The programme's own sites come from the service layer (`place_phrases`); these lists hold the
countries, regions and towns of the programmes and the words that start an organisation's name.
Written for Voces from general knowledge of geography, in the public domain as facts.
"""

from __future__ import annotations

from collections.abc import Iterable

from survey.analysis.text import fold


def _phrases(block: str) -> frozenset[str]:
    return frozenset(fold(line.strip()) for line in block.split(",") if line.strip())


PLACES = _phrases(
    """
    Colombia, México, Mexico, Canadá, Canada, Portugal, España, Spain, Ecuador, Perú, Peru, Venezuela, Bolivia,
    Brasil, Brazil, Panamá, Panama, Chile, Argentina, Guatemala, Honduras, Estados Unidos, United States, USA,
    Inglaterra, England, London, Londres, Lisboa, Lisbon, Oporto, Porto, Madrid, Barcelona, Valencia, Sevilla,
    Bilbao, Zaragoza, Pamplona, Navarra, Murcia, Málaga, Granada, Toledo, Salamanca, Galicia, Asturias, Cataluña,
    Andalucía, Tolosa, Alicante, Córdoba, Santander, Cádiz, Vigo, Oviedo, León, Burgos, Valladolid,
    Bogotá, Medellín, Cali, Barranquilla, Cartagena, Cúcuta, Bucaramanga, Pereira, Manizales, Armenia, Ibagué,
    Neiva, Pasto, Popayán, Tumaco, San Andrés de Tumaco, Buenaventura, Quibdó, Ipiales, Guapi, Barbacoas,
    El Charco, Llorente, Salahonda, Roberto Payán, Magüí Payán, Mosquera, Olaya Herrera, Francisco Pizarro,
    Tuluá, Florencia, Mocoa, Puerto Asís, Villavicencio, San José del Guaviare, Montería, Sincelejo, Valledupar,
    Riohacha, Santa Marta, Apartadó, Turbo, Caucasia, Tarazá, Cáceres, El Bagre, Yarumal, Ituango,
    Nariño, Cauca, Valle del Cauca, Putumayo, Caquetá, Guaviare, Meta, Antioquia, Chocó, Córdoba, Bolívar,
    Norte de Santander, Catatumbo, Tibú, Arauca, Huila, Tolima, Santander, Boyacá, Cundinamarca, Sucre,
    Magdalena, Cesar, La Guajira, Amazonas, Vichada, Urabá, Bajo Cauca, Pacífico,
    Culiacán, Sinaloa, Badiraguato, Guerrero, Acapulco, Chilpancingo, Michoacán, Morelia, Apatzingán, Jalisco,
    Guadalajara, Tijuana, Baja California, Ciudad Juárez, Juárez, Chihuahua, Sonora, Hermosillo, Durango,
    Tamaulipas, Reynosa, Nuevo Laredo, Monterrey, Nuevo León, Oaxaca, Chiapas, Veracruz, Puebla, Zacatecas,
    Ciudad de México, CDMX, Ciudad Neza, Nezahualcóyotl, Ecatepec, Iztapalapa, Tepito, Cuernavaca, Morelos,
    Guanajuato, Celaya, Irapuato, Tierra Caliente, Sierra Tarahumara,
    Vancouver, Surrey, Burnaby, Richmond, Abbotsford, Chilliwack, Kelowna, Nanaimo, Victoria, Kamloops,
    Prince George, Regina, Saskatoon, Saskatchewan, Manitoba,
    British Columbia, Alberta, Ontario, Toronto, Montreal, Winnipeg, Calgary, Edmonton,
    Fort McMurray, Seattle, Portland, Stony Mountain, Vancouver Island, Downtown Eastside, East Hastings,
    Strathcona, Chinatown, Gastown, Granville, Hastings, Main, Kensington, Mount Pleasant, Downtown,
    Canada, Province, Gobierno, Government, Santiago de Compostela, Talavera de la Reina, Alhaurín de la Torre
    """
)
# A capitalised run holding one of these is an organisation's or a place's name.
ORGANISATION_WORDS = _phrases(
    """
    defensoría, fiscalía, procuraduría, personería, contraloría, registraduría, alcaldía, gobernación,
    policía, ejército, armada, fuerza, ministerio, secretaría, superintendencia, hospital, clínica, centro,
    puesto, colegio, escuela, universidad, fundación, corporación, asociación, instituto, unidad, agencia,
    junta, consejo, comité, comisión, iglesia, parroquia, pastoral, diócesis, cruz, banco, federación,
    cooperativa, casa, programa, frente, clan, cártel, cartel, guardia, red, mesa, tribunal, juzgado, corte,
    gobierno, estado, municipio, departamento, vereda, corregimiento, barrio, comuna, río, rio, parque, plaza,
    calle, avenida, carrera, cárcel, penitenciaría, empresa, cámara, congreso, senado, médicos, narcóticos,
    anónimos, ciudad, villa, puerto, nuevo, nueva, bajo, alto, sierra, valle, isla, loma, cerro, hogar,
    unión, fondo, sistema, nacional, departamental, municipal, indígena, comunitario, víctimas,
    clinic, centre, center, society, association, health, ministry, department, city, police, army, church,
    mission, hotel, park, street, avenue, road, square, house, hall, council, services, service, foundation,
    university, college, school, institute, bank, union, legion, club, team, line, network, coalition,
    province, island, viaduct, bridge, hospital, shelter, prison, jail, court, agency, office, housing,
    project, program, programme, institution, correctional, penitentiary,
    site, market, mall, station, ambulance, army, salvation, gospel, legal,
    mental, sun, times, news, international, canada, national, county, district, borough, village, camp,
    san, santa, sant, santo, servicio, complejo, hospitalario, universitario, regional, general, clínico,
    jefe, jefa, correo, email, teléfono, tel, tfno, fax, paseo, avda, av, consulta, urgencias, paciente,
    varón, mujer, hombre, área, sección, planta, laboratorio, departamento, urbanización, edificio
    """
)


def place_phrases(names: Iterable[str]) -> frozenset[str]:
    """The programme's own site and region names, folded, to add to the places that stay."""
    return frozenset(fold(" ".join(name.split())) for name in names if name.strip())
