"""The kinds of partner organizations a local reentry coalition brings together."""

from django.db import models


class Sector(models.TextChoices):
    ADVOCACY = "advocacy", "Advocacy group"
    FAITH = "faith", "Faith community"
    BEHAVIORAL_HEALTH = "behavioral_health", "Behavioral health provider"
    CHAMBER_OF_COMMERCE = "chamber_of_commerce", "Chamber of commerce"
    COMMUNITY_REENTRY = "community_reentry", "Community reentry provider"
    HEALTH_DEPARTMENT = "health_department", "Health department"
    SOCIAL_SERVICES = "social_services", "Social services"
    HOUSING = "housing", "Housing"
    JAIL_ADMINISTRATION = "jail_administration", "Jail administration"
    COURTS = "courts", "Judges and court administration"
    EMPLOYERS = "employers", "Employer"
    DEFENSE = "defense", "Defense counsel"
    PROSECUTION = "prosecution", "Prosecution"
    LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"
    MENTAL_HEALTH_AUTHORITY = "mental_health_authority", "Local mental health authority"
    PHILANTHROPY = "philanthropy", "Philanthropy"
    WORKFORCE_BOARD = "workforce_board", "Workforce development board"
    MEDICAL = "medical", "Medical provider"
    LIVED_EXPERIENCE = "lived_experience", "People with lived experience and families"
    VICTIM_SERVICES = "victim_services", "Crime survivors and victim advocates"
    PROBATION_PAROLE = "probation_parole", "Probation and parole"
    STATE_CORRECTIONS = "state_corrections", "State corrections"
    OTHER = "other", "Other"
