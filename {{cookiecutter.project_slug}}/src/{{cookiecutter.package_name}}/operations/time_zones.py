"""Azure ML schedule time zones and the wall-clock arithmetic schedules need.

``azureml.pipeline.core.schedule.TimeZone`` names Windows time zones; Python
knows IANA ones. The table maps each member to its IANA zone (the "001"
territory of CLDR's windowsZones), so that "the next 06:00 in
GMTStandardTime" can be computed here. The start time handed to the SDK
stays naive, as it requires: a wall-clock time in the schedule's zone.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

WINDOWS_TO_IANA = {
    "DatelineStandardTime": "Etc/GMT+12",
    "UTC11": "Etc/GMT+11",
    "AleutianStandardTime": "America/Adak",
    "HawaiianStandardTime": "Pacific/Honolulu",
    "MarquesasStandardTime": "Pacific/Marquesas",
    "AlaskanStandardTime": "America/Anchorage",
    "UTC09": "Etc/GMT+9",
    "PacificStandardTimeMexico": "America/Tijuana",
    "UTC08": "Etc/GMT+8",
    "PacificStandardTime": "America/Los_Angeles",
    "USMountainStandardTime": "America/Phoenix",
    "MountainStandardTimeMexico": "America/Mazatlan",
    "MountainStandardTime": "America/Denver",
    "CentralAmericaStandardTime": "America/Guatemala",
    "CentralStandardTime": "America/Chicago",
    "EasterIslandStandardTime": "Pacific/Easter",
    "CentralStandardTimeMexico": "America/Mexico_City",
    "CanadaCentralStandardTime": "America/Regina",
    "SAPacificStandardTime": "America/Bogota",
    "EasternStandardTimeMexico": "America/Cancun",
    "EasternStandardTime": "America/New_York",
    "HaitiStandardTime": "America/Port-au-Prince",
    "CubaStandardTime": "America/Havana",
    "USEasternStandardTime": "America/Indiana/Indianapolis",
    "ParaguayStandardTime": "America/Asuncion",
    "AtlanticStandardTime": "America/Halifax",
    "VenezuelaStandardTime": "America/Caracas",
    "CentralBrazilianStandardTime": "America/Cuiaba",
    "SAWesternStandardTime": "America/La_Paz",
    "PacificSAStandardTime": "America/Santiago",
    "TurksAndCaicosStandardTime": "America/Grand_Turk",
    "NewfoundlandStandardTime": "America/St_Johns",
    "TocantinsStandardTime": "America/Araguaina",
    "ESouthAmericaStandardTime": "America/Sao_Paulo",
    "SAEasternStandardTime": "America/Cayenne",
    "ArgentinaStandardTime": "America/Argentina/Buenos_Aires",
    "GreenlandStandardTime": "America/Nuuk",
    "MontevideoStandardTime": "America/Montevideo",
    "SaintPierreStandardTime": "America/Miquelon",
    "BahiaStandardTime": "America/Bahia",
    "UTC02": "Etc/GMT+2",
    "MidAtlanticStandardTime": "Etc/GMT+2",
    "AzoresStandardTime": "Atlantic/Azores",
    "CapeVerdeStandardTime": "Atlantic/Cape_Verde",
    "UTC": "Etc/UTC",
    "MoroccoStandardTime": "Africa/Casablanca",
    "GMTStandardTime": "Europe/London",
    "GreenwichStandardTime": "Atlantic/Reykjavik",
    "WEuropeStandardTime": "Europe/Berlin",
    "CentralEuropeStandardTime": "Europe/Budapest",
    "RomanceStandardTime": "Europe/Paris",
    "CentralEuropeanStandardTime": "Europe/Warsaw",
    "WCentralAfricaStandardTime": "Africa/Lagos",
    "NamibiaStandardTime": "Africa/Windhoek",
    "JordanStandardTime": "Asia/Amman",
    "GTBStandardTime": "Europe/Bucharest",
    "MiddleEastStandardTime": "Asia/Beirut",
    "EgyptStandardTime": "Africa/Cairo",
    "EEuropeStandardTime": "Europe/Chisinau",
    "SyriaStandardTime": "Asia/Damascus",
    "WestBankStandardTime": "Asia/Hebron",
    "SouthAfricaStandardTime": "Africa/Johannesburg",
    "FLEStandardTime": "Europe/Kyiv",
    "TurkeyStandardTime": "Europe/Istanbul",
    "IsraelStandardTime": "Asia/Jerusalem",
    "KaliningradStandardTime": "Europe/Kaliningrad",
    "LibyaStandardTime": "Africa/Tripoli",
    "ArabicStandardTime": "Asia/Baghdad",
    "ArabStandardTime": "Asia/Riyadh",
    "BelarusStandardTime": "Europe/Minsk",
    "RussianStandardTime": "Europe/Moscow",
    "EAfricaStandardTime": "Africa/Nairobi",
    "IranStandardTime": "Asia/Tehran",
    "ArabianStandardTime": "Asia/Dubai",
    "AstrakhanStandardTime": "Europe/Astrakhan",
    "AzerbaijanStandardTime": "Asia/Baku",
    "RussiaTimeZone3": "Europe/Samara",
    "MauritiusStandardTime": "Indian/Mauritius",
    "GeorgianStandardTime": "Asia/Tbilisi",
    "CaucasusStandardTime": "Asia/Yerevan",
    "AfghanistanStandardTime": "Asia/Kabul",
    "WestAsiaStandardTime": "Asia/Tashkent",
    "EkaterinburgStandardTime": "Asia/Yekaterinburg",
    "PakistanStandardTime": "Asia/Karachi",
    "IndiaStandardTime": "Asia/Kolkata",
    "SriLankaStandardTime": "Asia/Colombo",
    "NepalStandardTime": "Asia/Kathmandu",
    "CentralAsiaStandardTime": "Asia/Almaty",
    "BangladeshStandardTime": "Asia/Dhaka",
    "NCentralAsiaStandardTime": "Asia/Novosibirsk",
    "MyanmarStandardTime": "Asia/Yangon",
    "SEAsiaStandardTime": "Asia/Bangkok",
    "AltaiStandardTime": "Asia/Barnaul",
    "WMongoliaStandardTime": "Asia/Hovd",
    "NorthAsiaStandardTime": "Asia/Krasnoyarsk",
    "TomskStandardTime": "Asia/Tomsk",
    "ChinaStandardTime": "Asia/Shanghai",
    "NorthAsiaEastStandardTime": "Asia/Irkutsk",
    "SingaporeStandardTime": "Asia/Singapore",
    "WAustraliaStandardTime": "Australia/Perth",
    "TaipeiStandardTime": "Asia/Taipei",
    "UlaanbaatarStandardTime": "Asia/Ulaanbaatar",
    "NorthKoreaStandardTime": "Asia/Pyongyang",
    "AusCentralWStandardTime": "Australia/Eucla",
    "TransbaikalStandardTime": "Asia/Chita",
    "TokyoStandardTime": "Asia/Tokyo",
    "KoreaStandardTime": "Asia/Seoul",
    "YakutskStandardTime": "Asia/Yakutsk",
    "CenAustraliaStandardTime": "Australia/Adelaide",
    "AUSCentralStandardTime": "Australia/Darwin",
    "EAustraliaStandardTime": "Australia/Brisbane",
    "AUSEasternStandardTime": "Australia/Sydney",
    "WestPacificStandardTime": "Pacific/Port_Moresby",
    "TasmaniaStandardTime": "Australia/Hobart",
    "VladivostokStandardTime": "Asia/Vladivostok",
    "LordHoweStandardTime": "Australia/Lord_Howe",
    "BougainvilleStandardTime": "Pacific/Bougainville",
    "RussiaTimeZone10": "Asia/Srednekolymsk",
    "MagadanStandardTime": "Asia/Magadan",
    "NorfolkStandardTime": "Pacific/Norfolk",
    "SakhalinStandardTime": "Asia/Sakhalin",
    "CentralPacificStandardTime": "Pacific/Guadalcanal",
    "RussiaTimeZone11": "Asia/Kamchatka",
    "NewZealandStandardTime": "Pacific/Auckland",
    "UTC12": "Etc/GMT-12",
    "FijiStandardTime": "Pacific/Fiji",
    "KamchatkaStandardTime": "Asia/Kamchatka",
    "ChathamIslandsStandardTime": "Pacific/Chatham",
    "TongaStandardTime": "Pacific/Tongatapu",
    "SamoaStandardTime": "Pacific/Apia",
    "LineIslandsStandardTime": "Pacific/Kiritimati",
}


def zone(time_zone: str) -> ZoneInfo:
    """The IANA zone of a ``TimeZone`` member name (``KeyError`` for an unknown name)."""
    return ZoneInfo(WINDOWS_TO_IANA[time_zone])


def wall_clock_now(time_zone: str, now: dt.datetime | None = None) -> dt.datetime:
    """The current wall-clock time in ``time_zone``, naive, to the minute."""
    moment = now or dt.datetime.now(dt.timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(zone(time_zone)).replace(tzinfo=None, second=0, microsecond=0)


def next_occurrence(
    hour: int, minute: int, time_zone: str, now: dt.datetime | None = None
) -> dt.datetime:
    """The next ``hour:minute`` strictly after now in ``time_zone``, as a naive wall-clock time."""
    local = wall_clock_now(time_zone, now)
    candidate = local.replace(hour=hour, minute=minute)
    return candidate if candidate > local else candidate + dt.timedelta(days=1)


def next_whole_hour(time_zone: str, now: dt.datetime | None = None) -> dt.datetime:
    local = wall_clock_now(time_zone, now)
    return local.replace(minute=0) + dt.timedelta(hours=1)
