"""Words for the bench plan (benchmarks/seed.py): organisations, posts, areas, actions and narratives of the length
leads write in the published plans, combined at random so that pages and reports carry realistic amounts of text."""

from __future__ import annotations

import random

from actions.models import Rag

ORGANISATIONS = [
    ("Benchshire County Council", "Benchshire Council", "council"),
    ("NHS Benchshire Integrated Care Board", "Benchshire ICB", "icb"),
    ("Benchshire Community Health NHS Trust", "Community Health", "nhs_trust"),
    ("Benchshire Mental Health NHS Foundation Trust", "Mental Health Trust", "nhs_trust"),
    ("Benchshire Parent Carer Forum", "Parent Carer Forum", "pcf"),
    ("Benchshire College", "Benchshire College", "school"),
]
# Six posts per organisation, in ORGANISATIONS' order. The first of each is its most senior; the last is a team.
POSTS = [
    [
        "Head of SEND",
        "SEND Service Manager",
        "Principal Educational Psychologist",
        "Head of Inclusion",
        "Preparing for Adulthood Lead",
        "SEND Assessment Team",
    ],
    [
        "Designated Clinical Officer",
        "Head of Children's Commissioning",
        "Associate Director of Quality",
        "Designated Medical Officer",
        "Children's Commissioning Manager",
        "Children's Commissioning Team",
    ],
    [
        "Head of Children's Therapies",
        "Speech and Language Therapy Lead",
        "Community Paediatrics Lead",
        "Occupational Therapy Lead",
        "Children's Community Nursing Lead",
        "Therapies Single Point of Access",
    ],
    [
        "CAMHS Clinical Director",
        "CAMHS Service Manager",
        "Neurodevelopmental Pathway Lead",
        "Learning Disability Nurse Consultant",
        "CAMHS Transitions Lead",
        "Neurodevelopmental Assessment Team",
    ],
    [
        "Co-chair",
        "Participation Lead",
        "Family Engagement Officer",
        "Young People's Forum Lead",
        "Training Coordinator",
        "Forum Steering Group",
    ],
    [
        "Head of Learning Support",
        "SENCO Network Lead",
        "Transitions Coordinator",
        "Supported Internships Lead",
        "Head of High Needs",
        "Learning Support Team",
    ],
]
FIRST_NAMES = [
    "Aisha", "Ben", "Chloe", "Daniel", "Eleanor", "Farhan", "Grace", "Harry", "Imogen", "Jamal", "Katie", "Liam",
    "Megan", "Nathan", "Olivia", "Priya", "Rhys", "Sophie", "Tom", "Uma", "Victoria", "Will", "Yasmin", "Zac",
]  # fmt: skip
LAST_NAMES = [
    "Ahmed", "Baker", "Clarke", "Davies", "Evans", "Foster", "Green", "Hughes", "Iqbal", "Jones", "Khan", "Lewis",
    "Morgan", "Nowak", "Owen", "Patel", "Quinn", "Roberts", "Singh", "Taylor", "Walker", "Wright", "Young",
]  # fmt: skip

PLAN_SUMMARY = (
    "The local area partnership's response to the joint inspection: what we will do about each area of weakness, "
    "who leads it, by when, and how families will know it has made a difference."
)
RAG_KEY = [
    (Rag.BLUE, "Completed and embedded: impact evidenced"),
    (Rag.GREEN, "On track: no concerns"),
    (Rag.AMBER, "On track: minor concerns"),
    (Rag.RED, "Little progress: major concerns"),
    (Rag.WHITE, "Not yet started"),
]
AREA_TITLES = [
    "Timeliness and quality of education, health and care plans",
    "Joint commissioning across education, health and care",
    "Waiting times for speech and language therapy and CAMHS",
    "Identifying needs early, in the early years and at school",
    "Co-production with children, young people and their families",
    "Preparing young people for adulthood",
    "Inclusion, attendance and exclusions in mainstream schools",
    "The Local Offer: information families can find and trust",
    "Strategic leadership, oversight and quality assurance",
    "Transitions between services and between phases",
]
AREA_OUTCOME = "Children and young people with SEND have their needs identified and met in good time."
FINDINGS = [
    "Too many education, health and care plans are not issued within 20 weeks, and their quality is variable.",
    "Leaders do not have a shared understanding of the local area's strengths and weaknesses.",
    "Families wait too long for assessments, and are not kept informed while they wait.",
    "Parents and carers say they are not listened to, and few are involved in designing services.",
    "The Local Offer is hard to navigate and its information is out of date.",
]
OUTCOMES = [
    "Plans are issued on time and describe the child's needs and outcomes well.",
    "Services are commissioned jointly against a shared understanding of need.",
    "Families know how long they will wait and what help there is meanwhile.",
    "Families help design the services they use.",
]

_VERBS = [
    "Review",
    "Agree and publish",
    "Train staff in",
    "Recruit to",
    "Audit",
    "Introduce",
    "Commission",
    "Co-produce",
]
_OBJECTS = [
    "the EHC needs assessment pathway",
    "a multi-agency panel for placement decisions",
    "SENCO training on ordinarily available provision",
    "additional educational psychologist posts",
    "a monthly sample of EHC plans against the quality framework",
    "a single point of access for children's therapies",
    "a joint commissioning strategy with the ICB",
    "the Local Offer website, with the parent carer forum",
    "transition planning from age 14 in annual reviews",
    "the graduated response toolkit for schools",
]
_PURPOSES = [
    "so that plans are issued within 20 weeks",
    "so that families get one consistent answer",
    "so that waits for assessment fall below 18 weeks",
    "so that needs are identified before children start school",
    "so that young people's views shape their plans",
    "so that leaders see the same data and act on it",
]


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def action_text(rng: random.Random) -> str:
    return f"{rng.choice(_VERBS)} {rng.choice(_OBJECTS)} {rng.choice(_PURPOSES)}."


_PROGRESS = [
    "The working group met twice this period and agreed the new process with schools and health partners.",
    "Training for SENCOs took place in every locality, with 46 settings attending.",
    "The new panel has met fortnightly since the start of the period and considered 38 requests.",
    "Two of the three additional posts are filled; the third is out to advert again.",
    "The audit of 20 plans found 14 good or better, up from 9 last period.",
    "Draft guidance was shared with the parent carer forum, whose comments are reflected in the final version.",
    "Data on waiting times is now reported monthly to the improvement board.",
    "A task and finish group has mapped the pathway and identified three points where families wait.",
    "The specification was agreed by the joint commissioning group and goes out to tender next month.",
    "Feedback from families is gathered after every review meeting and analysed each month.",
]
_NOT_STARTED = "Work has not started yet: it depends on the recruitment planned for next period."
_IMPACT = [
    "Families tell us they understand who to contact; complaints about communication fell from 14 to 6.",
    "The share of plans issued within 20 weeks rose from 41% to 58% this period.",
    "Parents on the review panel said the new letters are clearer and kinder.",
    "Average waits for a first therapy appointment fell from 23 to 16 weeks.",
    "Schools report more confidence in meeting needs without an EHC plan.",
]
_RECOVERY = [
    "Agency staff start in January to clear the backlog; the board will review progress monthly.",
    "The ICB has agreed interim funding for two posts; recovery is expected within two periods.",
    "A recovery plan goes to the next board with weekly monitoring by the programme manager.",
]
REVISION = "Updated after the round's moderation meeting with the latest figures."


def progress(rng: random.Random, rag: str) -> str:
    if rag == Rag.WHITE:
        return _NOT_STARTED
    return " ".join(rng.sample(_PROGRESS, rng.randint(2, 3)))


def impact(rng: random.Random) -> str:
    return rng.choice(_IMPACT)


def recovery(rng: random.Random) -> str:
    return rng.choice(_RECOVERY)


# (measure, unit, polarity, plausible low, plausible high)
KPI_MEASURES = [
    ("% of new EHC plans issued within 20 weeks", "percent", "higher", 30, 70),
    ("Number of requests for an EHC needs assessment", "count", "lower", 40, 90),
    ("Average weeks waited for a first speech and language therapy appointment", "days", "lower", 10, 30),
    ("% of annual reviews completed on time", "percent", "higher", 45, 85),
    ("Permanent exclusions of pupils with SEND, per 1,000 pupils", "rate", "lower", 1, 6),
    ("% of EHC plans rated good or better in the monthly audit", "percent", "higher", 40, 80),
    ("Number of families using the Local Offer website each month", "count", "higher", 1500, 4000),
    ("% of young people with an EHC plan in education, employment or training at 19", "percent", "higher", 55, 85),
    ("Days from referral to neurodevelopmental assessment", "days", "lower", 200, 420),
    ("% of parents who say they were listened to in the assessment", "percent", "higher", 35, 75),
]
DESCRIPTIVE_MEASURES = [
    "SEND strategy agreed by the Health and Wellbeing Board",
    "Joint commissioning framework in place",
    "Co-production charter signed by every partner",
    "Quality assurance framework for EHC plans in use",
    "Preparing for adulthood pathway published",
    "Local Offer review completed with families",
]
DESCRIPTIVE_VALUES = ["Not started", "In draft", "Consulted on", "Agreed", "In place", "Reviewed"]

RISKS = [
    "If we cannot recruit educational psychologists, then EHC needs assessments will not be completed in time.",
    "If demand for assessments keeps rising, then caseloads will grow beyond what teams can manage.",
    "If partners do not share data, then the board will not know whether actions are making a difference.",
    "If families are not involved in redesigning services, then the changes will not meet their needs.",
    "If high needs funding stays in deficit, then new provision cannot be commissioned.",
    "If key officers leave, then actions they lead will stall.",
]
MITIGATION = (
    "Recruitment campaign with a market supplement; agency cover agreed; monthly workforce report to the board."
)
REVIEW_NOTES = [
    "Reviewed at the programme board: no change to the controls.",
    "New starters in post this month; likelihood reduced.",
    "Demand rose again this period; the impact is higher than expected.",
    "Mitigation working; keep under monthly review.",
]
CHALLENGE = "The narrative describes meetings rather than impact: is Green right while families still wait this long?"
CHALLENGE_RESPONSE = "The rating reflects the plan's milestone, which is met; the impact measure follows next period."
COMMENTS = [
    "Parents at our coffee morning said the new letters still use too much jargon.",
    "Families welcomed the drop-in sessions but asked for some in the evening.",
    "Young people want to be asked before the review meeting, not during it.",
    "The Local Offer pages on short breaks are still out of date.",
]
WE_DID = "We rewrote the letters with the forum and now hold sessions in the evening as well."
