"""Every mapping from a dataset's codes to ours, one table each (the README shows them).

A value a table does not know is not guessed: the row is refused with the value named, so that
a new code in a newer release is noticed, not silently mislabelled.
"""

# ACLED `sub_event_type` -> our incident `type`; the sub-event itself becomes `sub_type` (as a
# slug: "Air/drone strike" -> air_drone_strike) and the event type is kept in dataset_fields.
ACLED_SUB_EVENT_TYPES = {
    "Armed clash": "clashes",
    "Government regains territory": "territorial_change",
    "Non-state actor overtakes territory": "territorial_change",
    "Chemical weapon": "chemical_attack",
    "Air/drone strike": "airstrike",
    "Suicide bomb": "suicide_bombing",
    "Shelling/artillery/missile attack": "shelling",
    "Remote explosive/landmine/IED": "explosive_device",
    "Grenade": "grenade_attack",
    "Sexual violence": "sexual_violence",
    "Attack": "attack",
    "Abduction/forced disappearance": "abduction",
    "Peaceful protest": "protest",
    "Protest with intervention": "protest",
    "Excessive force against protesters": "protest_repression",
    "Violent demonstration": "riot",
    "Mob violence": "riot",
    "Agreement": "agreement",
    "Arrests": "arrests",
    "Change to group/activity": "change_to_group",
    "Disrupted weapons use": "disrupted_weapons_use",
    "Headquarters or base established": "base_established",
    "Looting/property destruction": "looting",
    "Non-violent transfer of territory": "territorial_change",
    "Other": "other",
}

# ACLED sub-event types that name the weapon: it goes into `weapons` too.
ACLED_WEAPONS = {
    "Chemical weapon": "chemical_weapons",
    "Air/drone strike": "air_or_drone_strike",
    "Suicide bomb": "suicide_bomb",
    "Shelling/artillery/missile attack": "artillery_or_missiles",
    "Remote explosive/landmine/IED": "explosive_device",
    "Grenade": "grenade",
}

# ACLED's older files have no sub-event type, and event types of their own: `EVENT_TYPE` ->
# our incident `type` (the event type becomes `sub_type`).
ACLED_OLD_EVENT_TYPES = {
    "Battle-No change of territory": "clashes",
    "Battle-Government regains territory": "territorial_change",
    "Battle-Non-state actor overtakes territory": "territorial_change",
    "Remote violence": "remote_violence",
    "Violence against civilians": "attack",
    "Riots/Protests": "protest",
    "Strategic development": "strategic_development",
    "Headquarters or base established": "base_established",
    "Non-violent transfer of territory": "territorial_change",
}

# ACLED `event_type` (today's and older) -> the roles of actor1 (and its associates) and
# actor2 (and its).
ACLED_ROLES = {
    "Battles": ("side", "side"),
    "Explosions/Remote violence": ("perpetrator", "target"),
    "Violence against civilians": ("perpetrator", "victim"),
    "Protests": ("side", "side"),
    "Riots": ("side", "side"),
    "Strategic developments": ("side", "side"),
    "Battle-No change of territory": ("side", "side"),
    "Battle-Government regains territory": ("side", "side"),
    "Battle-Non-state actor overtakes territory": ("side", "side"),
    "Remote violence": ("perpetrator", "target"),
    "Riots/Protests": ("side", "side"),
    "Strategic development": ("side", "side"),
    "Headquarters or base established": ("side", "side"),
    "Non-violent transfer of territory": ("side", "side"),
}

# ACLED's older upper-case column names that differ from today's (once lower-cased).
ACLED_OLD_COLUMNS = {"ally_actor_1": "assoc_actor_1", "ally_actor_2": "assoc_actor_2"}

# ACLED `inter1`/`inter2` (codes in older files, names in today's) -> actor `kind`.
ACLED_ACTOR_TYPES = {
    "1": "state_forces",
    "2": "rebel_group",
    "3": "political_militia",
    "4": "identity_militia",
    "5": "rioters",
    "6": "protesters",
    "7": "civilians",
    "8": "external_forces",
    "state forces": "state_forces",
    "rebel group": "rebel_group",
    "political militia": "political_militia",
    "identity militia": "identity_militia",
    "rioters": "rioters",
    "protesters": "protesters",
    "civilians": "civilians",
    "external/other forces": "external_forces",
}

# ACLED `time_precision` -> `date_precision`.
ACLED_TIME_PRECISION = {"1": "day", "2": "week", "3": "month"}

# ACLED `geo_precision` -> `place.precision`.
ACLED_GEO_PRECISION = {"1": "town", "2": "district", "3": "governorate"}

# UCDP GED `type_of_violence` -> incident `type`.
UCDP_VIOLENCE_TYPES = {
    "1": "state_based_violence",
    "2": "non_state_violence",
    "3": "one_sided_violence",
}

# UCDP GED `type_of_violence` -> the roles of side_a and side_b.
UCDP_ROLES = {"1": ("side", "side"), "2": ("side", "side"), "3": ("perpetrator", "victim")}

# UCDP GED `type_of_violence` -> the kind of a new side_a and side_b actor.
UCDP_ACTOR_KINDS = {
    "1": ("government", "rebel_group"),
    "2": ("armed_group", "armed_group"),
    "3": ("armed_group", "civilians"),
}

# UCDP GED `date_prec` -> `date_precision` (2: a range of days, which the dates give).
UCDP_DATE_PRECISION = {"1": "day", "2": "day", "3": "week", "4": "month", "5": "year"}

# UCDP GED `where_prec` -> `place.precision`.
UCDP_WHERE_PRECISION = {
    "1": "exact",
    "2": "near",
    "3": "district",
    "4": "governorate",
    "5": "region",
    "6": "country",
    "7": "region",
}

# UCDP GED `event_clarity`: 2 marks an event summed from several (an aggregate).
UCDP_AGGREGATE_CLARITY = "2"

# UCDP GED's deaths by category -> `casualties` categories (killed).
UCDP_DEATHS = {
    "deaths_a": "side_a",
    "deaths_b": "side_b",
    "deaths_civilians": "civilians",
    "deaths_unknown": "unknown",
}

# Words UCDP GED appends to administrative names, left off ours ("Idlib governorate").
UCDP_ADMIN_SUFFIXES = (" governorate", " province", " district", " subdistrict", " nahiya")

# PA-X `Stage` -> agreement `stage` (`StageSub` is kept in dataset_fields).
PAX_STAGES = {
    "Pre": "pre_negotiation",
    "SubPar": "framework_partial",
    "SubComp": "framework_comprehensive",
    "Imp": "implementation",
    "Ren": "renewal",
    "Cea": "ceasefire",
    "Oth": "other",
}

# PA-X `Stage` -> agreement `kind`: a ceasefire, else a peace agreement.
PAX_KINDS = {"Cea": "ceasefire"}
PAX_DEFAULT_KIND = "peace_agreement"

# Words in a PA-X third party's entry -> its role (the first that appears; else "other").
PAX_THIRD_PARTY_ROLES = {
    "guarant": "guarantor",
    "witness": "witness",
    "mediat": "mediator",
    "observ": "observer",
    "facilitat": "facilitator",
}
