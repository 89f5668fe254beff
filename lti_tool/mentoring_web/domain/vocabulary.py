"""The words of a mentoring web: roles, families, models, supports.

Pure: values and their English labels, marked with `N_` so Babel extracts them; the views translate
them at render time. Values are stable identifiers stored in the database; labels may change.
"""

from __future__ import annotations

from enum import StrEnum


def N_(text: str) -> str:  # noqa: N802 - the gettext "no-op" marker convention
    """Mark a label for translation without translating it here (pure code has no locale)."""
    return text


class RoleFamily(StrEnum):
    TEACHING = "teaching_colleagues"
    EARLY_YEARS_SUPPORT = "early_years_student_support"
    LEADERS = "school_system_leaders"
    COACHES = "coaches_consultants"
    BUSINESS_OFFICE = "business_operations_office"
    STUDENTS_COMMUNITY = "students_families_community"
    BEYOND_BOARD = "beyond_the_board"
    OTHER = "other"


ROLE_FAMILY_LABELS: dict[RoleFamily, str] = {
    RoleFamily.TEACHING: N_("Teaching colleagues"),
    RoleFamily.EARLY_YEARS_SUPPORT: N_("Early years & student support"),
    RoleFamily.LEADERS: N_("School & system leaders"),
    RoleFamily.COACHES: N_("Coaches, consultants & system program staff"),
    RoleFamily.BUSINESS_OFFICE: N_("Business, operations & office staff"),
    RoleFamily.STUDENTS_COMMUNITY: N_("Students, families & community"),
    RoleFamily.BEYOND_BOARD: N_("Beyond the board"),
    RoleFamily.OTHER: N_("Other"),
}

# (value, label, family): the board role list. Boards may rename or hide entries later.
BOARD_ROLES: tuple[tuple[str, str, RoleFamily], ...] = (
    ("classroom_teacher_elementary", N_("Classroom teacher — elementary"), RoleFamily.TEACHING),
    ("classroom_teacher_secondary", N_("Classroom teacher — secondary"), RoleFamily.TEACHING),
    ("occasional_teacher", N_("Occasional teacher (daily / LTO)"), RoleFamily.TEACHING),
    (
        "specialist_teacher",
        N_("Specialist teacher (special education, guidance, library, FSL, ESL/ELD…)"),
        RoleFamily.TEACHING,
    ),
    ("teacher_candidate", N_("Teacher candidate (pre-service)"), RoleFamily.TEACHING),
    ("associate_teacher", N_("Associate teacher (hosts a teacher candidate)"), RoleFamily.TEACHING),
    (
        "early_childhood_educator",
        N_("Designated Early Childhood Educator (DECE/ECE)"),
        RoleFamily.EARLY_YEARS_SUPPORT,
    ),
    ("educational_assistant", N_("Educational Assistant (EA)"), RoleFamily.EARLY_YEARS_SUPPORT),
    ("child_youth_worker", N_("Child and Youth Worker (CYW)"), RoleFamily.EARLY_YEARS_SUPPORT),
    (
        "student_services_professional",
        N_("Professional student services (psychology, social work, speech-language…)"),
        RoleFamily.EARLY_YEARS_SUPPORT,
    ),
    (
        "instructional_coach",
        N_("Instructional coach / consultant / program coordinator"),
        RoleFamily.COACHES,
    ),
    ("mentoring_lead", N_("NTIP or mentoring lead"), RoleFamily.COACHES),
    ("principal_vice_principal", N_("Principal / Vice-principal"), RoleFamily.LEADERS),
    ("senior_leader", N_("Superintendent / senior leader / manager"), RoleFamily.LEADERS),
    (
        "office_administrator",
        N_("Office administrator / school secretary / clerical"),
        RoleFamily.BUSINESS_OFFICE,
    ),
    (
        "business_support_staff",
        N_("Business & support staff (finance, payroll, HR, IT, facilities…)"),
        RoleFamily.BUSINESS_OFFICE,
    ),
    (
        "students",
        N_("Students — always a group label, never a name"),
        RoleFamily.STUDENTS_COMMUNITY,
    ),
    (
        "parent_community_partner",
        N_("Parent/guardian or community partner"),
        RoleFamily.STUDENTS_COMMUNITY,
    ),
    (
        "indigenous_elder",
        N_("Indigenous Elder, Knowledge Keeper or cultural advisor"),
        RoleFamily.STUDENTS_COMMUNITY,
    ),
    ("faculty_partner", N_("Faculty of education partner"), RoleFamily.BEYOND_BOARD),
    ("federation_colleague", N_("Federation/union colleague"), RoleFamily.BEYOND_BOARD),
    (
        "external_network_colleague",
        N_("Colleague in another board, association or online network"),
        RoleFamily.BEYOND_BOARD,
    ),
    ("other", N_("Other"), RoleFamily.OTHER),
)
BOARD_ROLE_LABELS: dict[str, str] = {value: label for value, label, _family in BOARD_ROLES}
ROLE_FAMILY_OF: dict[str, RoleFamily] = {value: family for value, _label, family in BOARD_ROLES}
STUDENTS_ROLE = "students"


def role_family(board_role: str) -> RoleFamily:
    return ROLE_FAMILY_OF.get(board_role, RoleFamily.OTHER)


class StrandKind(StrEnum):
    INDIVIDUAL = "individual"
    GROUP = "group"
    NETWORK = "network"


KIND_LABELS = {
    StrandKind.INDIVIDUAL: N_("One person"),
    StrandKind.GROUP: N_("A group or team"),
    StrandKind.NETWORK: N_("A network or online community"),
}


class Location(StrEnum):
    SAME_SITE = "same_site"
    OTHER_SITE = "same_board_other_site"
    OUTSIDE_BOARD = "outside_board"


LOCATION_LABELS = {
    Location.SAME_SITE: N_("In my building"),
    Location.OTHER_SITE: N_("Elsewhere in my board"),
    Location.OUTSIDE_BOARD: N_("Outside my board"),
}


class Model(StrEnum):
    ONE_TO_ONE_MATCHED = "one_to_one_matched"
    ONE_TO_ONE_CHOSEN = "one_to_one_chosen"
    BROKER = "broker"
    GROUP = "group"
    PEER_INFORMAL = "peer_informal"
    TEAM_INQUIRY = "team_inquiry"
    E_MENTORING = "e_mentoring"
    REVERSE = "reverse"
    CO_MENTORING = "co_mentoring"
    FLASH = "flash"
    WITH_STUDENTS = "with_students"


MODEL_LABELS = {
    Model.ONE_TO_ONE_MATCHED: N_("One-to-one, matched by the board or school"),
    Model.ONE_TO_ONE_CHOSEN: N_("One-to-one, someone I sought out"),
    Model.BROKER: N_("Broker: shows me the ropes and introduces me to others"),
    Model.GROUP: N_("Group mentoring or a mentoring circle"),
    Model.PEER_INFORMAL: N_("Informal peer support"),
    Model.TEAM_INQUIRY: N_("Team, PLC or collaborative inquiry"),
    Model.E_MENTORING: N_("E-mentoring (mostly online)"),
    Model.REVERSE: N_("Reverse mentoring"),
    Model.CO_MENTORING: N_("Co-mentoring: we mentor each other"),
    Model.FLASH: N_("Flash mentoring: a just-in-time conversation"),
    Model.WITH_STUDENTS: N_("Learning with and from students"),
}


class Support(StrEnum):
    INSTRUCTIONAL_PRACTICE = "instructional_practice"
    WELLBEING = "wellbeing_emotional"
    CAREER = "career_growth"
    EXPERTISE = "content_role_expertise"
    NAVIGATION = "system_navigation"
    CULTURAL_IDENTITY = "cultural_identity"
    FEEDBACK_REFLECTION = "feedback_reflection"


SUPPORT_LABELS = {
    Support.INSTRUCTIONAL_PRACTICE: N_("Helps me do the core of my job better"),
    Support.WELLBEING: N_("Someone I can be honest with; listens and encourages"),
    Support.CAREER: N_("Helps me think about next steps, qualifications and leadership"),
    Support.EXPERTISE: N_("Deep knowledge of my subject, program or assignment"),
    Support.NAVIGATION: N_("Shows me how things work here and who to ask"),
    Support.CULTURAL_IDENTITY: N_("Shares or honours an important part of my identity or language"),
    Support.FEEDBACK_REFLECTION: N_("Observes or debriefs with me and helps me reflect"),
}


class Stance(StrEnum):
    CONSULTANT = "consultant"
    COLLABORATOR = "collaborator"
    COACH = "coach"
    MIXED = "mixed"


STANCE_LABELS = {
    Stance.CONSULTANT: N_("Mostly consultant"),
    Stance.COLLABORATOR: N_("Mostly collaborator"),
    Stance.COACH: N_("Mostly coach"),
    Stance.MIXED: N_("A mix"),
}


class Frequency(StrEnum):
    WEEKLY_PLUS = "weekly_plus"
    EVERY_2_3_WEEKS = "every_2_3_weeks"
    MONTHLY = "monthly"
    ONCE_OR_TWICE_A_TERM = "once_or_twice_a_term"
    JUST_IN_TIME = "just_in_time"
    RARELY = "rarely"


FREQUENCY_LABELS = {
    Frequency.WEEKLY_PLUS: N_("Weekly or more"),
    Frequency.EVERY_2_3_WEEKS: N_("Every 2–3 weeks"),
    Frequency.MONTHLY: N_("Monthly"),
    Frequency.ONCE_OR_TWICE_A_TERM: N_("Once or twice a term"),
    Frequency.JUST_IN_TIME: N_("Just in time, when I need it"),
    Frequency.RARELY: N_("Rarely"),
}


class Formality(StrEnum):
    ASSIGNED = "assigned"
    CHOSEN = "chosen"
    EMERGED = "emerged"


FORMALITY_LABELS = {
    Formality.ASSIGNED: N_("Assigned to me"),
    Formality.CHOSEN: N_("I chose this support"),
    Formality.EMERGED: N_("It grew on its own"),
}


class Status(StrEnum):
    ACTIVE = "active"
    DORMANT = "dormant"
    ENDED = "ended"
    PLANNED = "planned"  # someone I want to reach; not yet a strand


STATUS_LABELS = {
    Status.ACTIVE: N_("Active"),
    Status.DORMANT: N_("Dormant"),
    Status.ENDED: N_("Ended"),
    Status.PLANNED: N_("Planned: someone I want to reach"),
}


class YearsInRole(StrEnum):
    UNDER_1 = "lt1"
    Y1_2 = "1_2"
    Y3_5 = "3_5"
    Y6_10 = "6_10"
    OVER_10 = "gt10"


YEARS_LABELS = {
    YearsInRole.UNDER_1: N_("Less than a year"),
    YearsInRole.Y1_2: N_("1–2 years"),
    YearsInRole.Y3_5: N_("3–5 years"),
    YearsInRole.Y6_10: N_("6–10 years"),
    YearsInRole.OVER_10: N_("More than 10 years"),
}
