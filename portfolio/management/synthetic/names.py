"""Words the synthetic portfolio is made of. Every country is fictional and
named "Syn …", so nothing in it can be mistaken for a real case."""

from __future__ import annotations

from hrddp.models import ActivityType, RecipientCategory
from mitigation.models import MeasureType
from monitoring.models import Channel, ViolationCategory

COUNTRY_PREFIX = "Syn "

REGIONS = [
    "East and Horn of Africa",
    "West and Central Africa",
    "Middle East and North Africa",
    "Asia and the Pacific",
    "Latin America and the Caribbean",
    "Europe and Central Asia",
]

COUNTRIES = [
    "Aldovia", "Brennmark", "Castellane", "Dorvania", "Estmere", "Faroshi", "Galdonia", "Harrowen",
    "Istrana", "Jovalia", "Kestria", "Lorvania", "Marcadia", "Norvessa", "Orenthia", "Pellucia",
    "Quorvia", "Rastavia", "Sorvania", "Tavrenia",
]

CITIES = [
    "Port Avel", "Kessin", "Marrow Bay", "Ostrel", "Tallin Ford", "Vesk", "Amaro", "Druhn", "Elsport",
    "Fenwick Cross", "Gorran", "Hale", "Ibbet", "Juno Flats", "Korrin",
]

ENTITIES = ["IOM", "IOM", "IOM", "UNDP", "UNICEF", "UNHCR", "UNODC", "UNOPS"]

FIRST_NAMES = [
    "Amara", "Bilal", "Carmen", "Dario", "Esther", "Farid", "Greta", "Hamid", "Ines", "Jonah", "Karin", "Luca",
    "Maya", "Nabil", "Olga", "Pavel", "Quinn", "Rosa", "Samir", "Tereza", "Umar", "Vera", "Wen", "Yara", "Zoran",
]
LAST_NAMES = [
    "Abara", "Brandvik", "Castell", "Dunmore", "Eskildsen", "Farrow", "Gallen", "Holt", "Ilunga", "Jansen",
    "Kovac", "Lindqvist", "Moreau", "Nakamura", "Okonjo", "Petrov", "Quist", "Rahimi", "Sandoval", "Tamm",
]

# Per category: the force's name, what its commands and units are called, and its ranks.
FORCES: dict[str, tuple[str, str, str, list[str]]] = {
    RecipientCategory.MILITARY: ("{country} Armed Forces", "Military Region", "Infantry Battalion", ["Colonel", "Major", "Captain"]),
    RecipientCategory.PARAMILITARY: ("{country} Gendarmerie", "Legion", "Mobile Squadron", ["Colonel", "Captain", "Lieutenant"]),
    RecipientCategory.POLICE: ("{country} National Police", "Province Command", "Police Post", ["Commissioner", "Superintendent", "Inspector"]),
    RecipientCategory.INTELLIGENCE: ("{country} Intelligence Service", "Directorate", "Regional Office", ["Director", "Deputy Director"]),
    RecipientCategory.BORDER_CUSTOMS: ("{country} Border Guard", "Border Command", "Crossing Post", ["Colonel", "Major", "Inspector"]),
    RecipientCategory.COAST_GUARD: ("{country} Coast Guard", "Coast Sector", "Patrol Flotilla", ["Commodore", "Commander", "Lieutenant"]),
    RecipientCategory.DETENTION: ("{country} Prison Service", "Prisons Directorate", "Detention Centre", ["Director", "Governor", "Chief Warden"]),
    RecipientCategory.CYBERSECURITY: ("{country} Cyber Security Agency", "Division", "Response Team", ["Director", "Head of Team"]),
    RecipientCategory.AUTHORITY: ("{country} Ministry of the Interior", "Directorate-General", "Inspectorate", ["Director-General", "Inspector-General"]),
    RecipientCategory.REGIONAL_PEACEKEEPING: ("Regional Stabilisation Force in {country}", "Sector", "Contingent Battalion", ["Brigadier", "Colonel", "Major"]),
    RecipientCategory.PRIVATE_SECURITY: ("{country} Guarding Services", "Site Security Division", "Guard Team", ["Operations Manager", "Team Leader"]),
    RecipientCategory.NON_STATE_ARMED_GROUP: ("{country} Liberation Front", "Wing", "Brigade", ["Commander", "Deputy Commander"]),
}

# How often each kind of force is the recipient of support.
CATEGORY_WEIGHTS: dict[str, float] = {
    RecipientCategory.POLICE: 25, RecipientCategory.BORDER_CUSTOMS: 15, RecipientCategory.MILITARY: 10,
    RecipientCategory.COAST_GUARD: 8, RecipientCategory.AUTHORITY: 8, RecipientCategory.DETENTION: 6,
    RecipientCategory.PARAMILITARY: 6, RecipientCategory.REGIONAL_PEACEKEEPING: 4,
    RecipientCategory.PRIVATE_SECURITY: 4, RecipientCategory.INTELLIGENCE: 3, RecipientCategory.CYBERSECURITY: 3,
    RecipientCategory.NON_STATE_ARMED_GROUP: 2,
}

DIRECTIONS = ["Northern", "Southern", "Eastern", "Western", "Central", "North-East", "Coastal", "Capital"]

ACTIVITIES: dict[str, list[str]] = {
    ActivityType.TRAINING: ["Operational training for officers", "Mentoring of unit commanders", "Investigation skills course"],
    ActivityType.DIGITAL_IDENTITY: ["Biometric registration kits", "Identity database support"],
    ActivityType.AUTHORITY_SUPPORT: ["Advisory support to the ministry", "Policy drafting support"],
    ActivityType.FINANCIAL: ["Allowances for trainees", "Bursaries for cadets"],
    ActivityType.LOGISTICAL: ["Fuel for patrols", "Transport of personnel"],
    ActivityType.INFRASTRUCTURE: ["Rehabilitation of a post", "Construction of a reception centre", "Repair of holding cells"],
    ActivityType.MATERIAL: ["Motorbikes for patrols", "Radios and a repeater", "Two patrol boats", "Office equipment"],
    ActivityType.OPERATIONAL: ["Support to joint patrols", "Field operations support"],
    ActivityType.JOINT_OPERATIONS: ["Joint operation with UN forces"],
    ActivityType.LAW_TRAINING: ["Human-rights law sessions", "Refugee-law workshop"],
    ActivityType.STANDARD_SETTING: ["Code of conduct drafting", "Human-rights compliance unit support"],
    ActivityType.COMPLIANCE_ENGAGEMENT: ["Dialogue on humanitarian access"],
    ActivityType.MEDIATION: ["Support to local mediation committees"],
    ActivityType.MEDEVAC: ["Medical evacuation of injured persons"],
}

PARTNERS = ["Synthetic Peace Network", "Fictional Rights Forum", "Placeholder Training Institute", "Sample Aid Trust"]

PROJECT_THEMES = [
    "Community stabilisation", "Integrated border management", "Migrant protection", "Search and rescue at sea",
    "Counter-trafficking", "Police reform", "Detention conditions", "Disaster preparedness", "Digital identity",
    "Return and reintegration",
]
DONORS = ["Fictional Stabilisation Fund", "Sample Governance Facility", "Placeholder Trust", "Demo Pooled Fund", "Test Donor Agency"]

MEASURES: dict[str, list[str]] = {
    MeasureType.PROJECT_DESIGN: ["Exclude the implicated unit from the activities", "Deliver equipment in phases"],
    MeasureType.COMMUNICATIONS: ["Human-rights clause in the agreement", "Written commitment from the command"],
    MeasureType.STANDARD_SETTING: ["Use-of-force training for all trainees", "Training on the code of conduct"],
    MeasureType.MONITORING: ["Quarterly field monitoring visits", "Community grievance mechanism"],
    MeasureType.SOP: ["Standard operating procedures on arrest and detention", "Checkpoint SOPs"],
    MeasureType.SCREENING_EXCLUSION: ["Vetting of trainees against the exclusion list", "Screening of unit commanders"],
    MeasureType.ACCOUNTABILITY: ["Support to the inspectorate's complaint handling", "Follow-up of investigations"],
    MeasureType.DATA_CONTROL: ["Data-protection agreement", "Access controls on biometric data"],
}

GPRAF_CORE = ["Human-rights clause in every agreement with security forces", "Quarterly information sharing with the task force"]

RISK_FACTORS = [
    "Reports of excessive use of force by the {unit}",
    "Weak internal accountability in the {unit}",
    "Arbitrary detention reported at facilities of the {unit}",
    "Allegations of ill-treatment of migrants by the {unit}",
    "Commander of the {unit} named in a rights report",
    "Discriminatory law applied by the {unit}",
]

INCIDENT_TEXT = {
    ViolationCategory.WAR_CRIMES: "attacks on civilians reported",
    ViolationCategory.CRIMES_AGAINST_HUMANITY: "systematic abuse of a minority community reported",
    ViolationCategory.GROSS_VIOLATIONS: "ill-treatment in custody reported",
    ViolationCategory.REFOULEMENT: "return of asylum seekers across the border reported",
    ViolationCategory.PATTERN: "repeated arbitrary arrests reported",
    ViolationCategory.FAILURE_TO_INVESTIGATE: "complaints left without investigation",
    ViolationCategory.COMMAND_RESPONSIBILITY: "commander failed to stop abuses by subordinates",
}

# How often each kind of allegation and each channel comes up.
CATEGORY_SHARES: dict[str, float] = {
    ViolationCategory.GROSS_VIOLATIONS: 35, ViolationCategory.PATTERN: 18, ViolationCategory.FAILURE_TO_INVESTIGATE: 15,
    ViolationCategory.REFOULEMENT: 12, ViolationCategory.COMMAND_RESPONSIBILITY: 9, ViolationCategory.WAR_CRIMES: 7,
    ViolationCategory.CRIMES_AGAINST_HUMANITY: 4,
}
CHANNEL_SHARES: dict[str, float] = {
    Channel.COMMUNITY_REPORT: 28, Channel.PUBLIC_SOURCE: 22, Channel.UN_MONITORING: 18,
    Channel.GRIEVANCE_MECHANISM: 15, Channel.INTERNAL_PROTECTION: 12, Channel.SELF_REPORT: 5,
}

DISPATCH_CHANNELS = ["Hand delivery", "Registered mail", "Diplomatic pouch", "E-mail with signed scan"]

FAKE = "(synthetic test data)"
