"""Demo data for a first run: organisations, contacts, courses, past and upcoming sessions,
enrolments by employers and by trainees themselves, sensitive needs, and staff accounts."""

import datetime
import os

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from clients.models import Organisation
from clients.services import client_contact_create, organisation_create
from consent.services import consent_record
from cookies.services import cookie_choice_record
from core.purposes import Action, Channel, Purpose
from staff_auth.services import demo_second_factor_ensure
from trainees.models import Trainee
from trainees.services import trainee_create
from training.models import Enrolment, Session
from training.sensitive_needs import sensitive_needs_record
from training.services import course_create, enrolment_create, session_save
from training.trainers import trainer_for_name

ACME_SIRET = "55210055400013"
# A subcontracted trainer: the recipients log shows that he receives his trainees' names.
SUBCONTRACTORS = {"Paul Leroy": {"status": "subcontractor", "company": "Leroy Conseil"}}

# username → groups (the superuser "admin" is created apart).
DEMO_STAFF = {
    "formation": ["Équipe formation"],
    "logistique": ["Accès données sensibles (logistique)"],
    "dpo": ["DPO"],
    "marketing": ["Marketing"],
}


class Command(BaseCommand):
    help = (
        "Load demo data once (a second run changes nothing) and make sure the demo staff "
        "accounts exist. Refuses to run with DEBUG off unless --force is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even with DEBUG off.")

    def handle(self, *args, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo creates accounts with a known password: DEBUG is off.")
        password = os.environ.get("DEMO_PASSWORD", "demo")
        with transaction.atomic():
            created_users = self._staff(password)
            if Organisation.objects.filter(registration_number=ACME_SIRET).exists():
                self.stdout.write("Demo data already present: nothing to add.")
            else:
                self._data(today=timezone.localdate())
                self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        if created_users:
            self.stdout.write(f"Created the demo accounts {', '.join(created_users)}.")
        self._second_factors()

    def _second_factors(self) -> None:
        """Print how each demo account passes the second factor. Only with DEBUG on: a
        known secret must never exist on a production database, even with --force."""
        if not settings.DEBUG:
            self.stdout.write(
                "DEBUG is off: no demo second factor made; each account sets up its "
                "authenticator app at its first sign-in."
            )
            return
        self.stdout.write("\nSecond factor of the demo accounts (demo only, DEBUG on):")
        self.stdout.write(
            "  after the password, type one of the recovery codes (each works once; every "
            "`make run` gives new ones), or add the secret to an authenticator app (TOTP)."
        )
        for username in ["admin", *DEMO_STAFF]:
            user = User.objects.get(username=username)
            secret, codes = demo_second_factor_ensure(user=user)
            self.stdout.write(f"  {username:<11} codes: {' '.join(codes)}   secret: {secret}")

    def _staff(self, password: str) -> list[str]:
        created = []
        if not User.objects.filter(username="admin").exists():
            User.objects.create_superuser("admin", "admin@example.org", password)
            created.append("admin")
        for username, group_names in DEMO_STAFF.items():
            user, was_created = User.objects.get_or_create(
                username=username, defaults={"is_staff": True, "email": f"{username}@example.org"}
            )
            if was_created:
                user.set_password(password)
                user.save()
                user.groups.set(Group.objects.filter(name__in=group_names))
                created.append(username)
        return created

    def _data(self, *, today: datetime.date) -> None:
        """Clients, courses, sessions, trainees, enrolments, needs, then retention cases."""

        def days(n: int) -> datetime.date:
            return today + datetime.timedelta(days=n)

        acme, martin, prospect = _organisations(days=days)
        _contacts(acme=acme, martin=martin, prospect=prospect)
        courses = _courses()
        sessions = _sessions(days=days, courses=courses)
        people = _trainees(acme=acme, martin=martin)
        now = timezone.now()
        needing = _enrolments(people=people, sessions=sessions, acme=acme, martin=martin)
        _sensitive_needs(*needing, now=now)
        self._past_to_retain(days=days, now=now, course=courses["excel"])

    def _past_to_retain(self, *, days, now, course) -> None:
        """Data on both sides of each retention rule, so that `retention run` (or beat)
        has something to show."""
        _archived_enrolment(days=days, course=course)
        _ancient_enrolment(days=days, course=course)
        _lapsed_contacts(days=days)
        _stale_lead(now=now)
        _old_cookie_choices(now=now)


def _organisations(*, days) -> tuple[Organisation, Organisation, Organisation]:
    """Two active clients, one lost long ago, and a prospect: (acme, martin, prospect)."""
    acme = organisation_create(
        name="Acme Industrie",
        registration_number=ACME_SIRET,
        address="12 avenue des Usines, 69007 Lyon",
        relationship="active",
    )
    martin = organisation_create(
        name="Boulangeries Martin",
        registration_number="41234567800021",
        address="3 place du Marché, 33000 Bordeaux",
        relationship="active",
    )
    organisation_create(
        name="Ancienne Société",
        registration_number="30012345600017",
        address="8 rue Vieille, 59000 Lille",
        relationship="ended",
        relationship_ended_on=days(-800),
    )
    prospect = organisation_create(
        name="Prospect Conseil",
        registration_number="80098765400010",
        address="22 boulevard Neuf, 44000 Nantes",
    )
    return acme, martin, prospect


def _contacts(*, acme, martin, prospect) -> None:
    """The clients' contacts; the prospect's objected to prospecting a month ago."""
    client_contact_create(
        organisation=acme,
        surname="Durand",
        first_name="Claire",
        email="claire.durand@acme.example",
        job_title="Responsable formation",
        department="training",
        phone="04 72 00 00 01",
    )
    client_contact_create(
        organisation=acme,
        surname="Petit",
        first_name="Marc",
        email="marc.petit@acme.example",
        job_title="Acheteur",
        department="procurement",
    )
    client_contact_create(
        organisation=martin,
        surname="Martin",
        first_name="Sophie",
        email="sophie.martin@martin.example",
        job_title="DRH",
        department="hr",
    )
    luc = client_contact_create(
        organisation=prospect,
        surname="Bernard",
        first_name="Luc",
        email="luc.bernard@prospect.example",
        job_title="Directeur",
        department="other",
    )
    consent_record(
        email=luc.email,
        contact=luc,
        purpose=Purpose.CLIENT_PROSPECTING,
        action=Action.OBJECTED,
        channel=Channel.STAFF,
        at=timezone.now() - datetime.timedelta(days=30),
    )


def _courses() -> dict[str, object]:
    """The catalogue, by short name."""
    return {
        "sst": course_create(
            code="SST-INIT",
            title="Sauveteur secouriste du travail",
            duration_hours=14,
            description="Formation initiale aux gestes de premiers secours en entreprise.",
        ),
        "excel": course_create(code="EXCEL-AV", title="Excel avancé", duration_hours=7),
        "mgmt": course_create(code="MGMT-01", title="Manager une équipe", duration_hours=21),
        "rgpd": course_create(code="RGPD-101", title="Le RGPD au quotidien", duration_hours=7),
    }


def _session(*, trainer: str = "", **fields) -> Session:
    chosen = trainer_for_name(name=trainer, **SUBCONTRACTORS.get(trainer, {})) if trainer else None
    session = Session(trainer=chosen, **fields)
    session_save(session=session)
    return session


def _sessions(*, days, courses) -> dict[str, Session]:
    """Two ended sessions and three upcoming ones, by short name."""
    sst, excel, mgmt, rgpd = (courses[name] for name in ("sst", "excel", "mgmt", "rgpd"))
    return {
        "sst_past": _session(
            course=sst,
            start_date=days(-60),
            end_date=days(-59),
            location="Lyon",
            capacity=10,
            trainer="Nadia Benali",
            meals_provided=True,
        ),
        "excel_past": _session(
            course=excel,
            start_date=days(-10),
            end_date=days(-10),
            location="En ligne",
            format="online",
            capacity=15,
            trainer="Paul Leroy",
        ),
        "mgmt_next": _session(
            course=mgmt,
            start_date=days(14),
            end_date=days(16),
            location="Paris",
            capacity=12,
            trainer="Hélène Morel",
            meals_provided=True,
        ),
        "sst_next": _session(
            course=sst,
            start_date=days(30),
            end_date=days(31),
            location="Bordeaux",
            capacity=10,
            trainer="Nadia Benali",
            meals_provided=True,
        ),
        "rgpd_next": _session(
            course=rgpd,
            start_date=days(45),
            end_date=days(45),
            location="En ligne",
            format="blended",
            capacity=2,
            trainer="Paul Leroy",
        ),
    }


def _trainee(surname, first_name, employer=None, occupation="") -> Trainee:
    return trainee_create(
        surname=surname,
        first_name=first_name,
        email=f"{first_name}.{surname}@example.org".lower().replace("é", "e"),
        employer=employer,
        occupation=occupation,
    )


def _trainees(*, acme, martin) -> tuple[Trainee, ...]:
    """Alice and Bruno (Acme), Chloé (Martin), David and Emma (on their own), in order."""
    return (
        _trainee("Lambert", "Alice", acme, "Technicienne de maintenance"),
        _trainee("Garnier", "Bruno", acme, "Chef d'équipe"),
        _trainee("Roux", "Chloé", martin, "Boulangère"),
        _trainee("Fontaine", "David", None, "Consultant indépendant"),
        _trainee("Chevalier", "Emma", None, "Assistante de direction"),
    )


def _enrolments(*, people, sessions, acme, martin) -> tuple[Enrolment, Enrolment, Enrolment]:
    """By employers and by trainees; returns Alice's, Chloé's and Emma's (they get needs)."""
    employer, self_ = Enrolment.Source.EMPLOYER, Enrolment.Source.SELF
    completed, confirmed = Enrolment.Status.COMPLETED, Enrolment.Status.CONFIRMED
    alice, bruno, chloe, david, emma = people
    sst_past, mgmt_next = sessions["sst_past"], sessions["mgmt_next"]
    past_alice = enrolment_create(
        trainee=alice, session=sst_past, source=employer, client=acme, status=completed
    )
    enrolment_create(
        trainee=bruno, session=sst_past, source=employer, client=acme, status=completed
    )
    enrolment_create(trainee=david, session=sessions["excel_past"], source=self_, status=completed)
    next_chloe = enrolment_create(
        trainee=chloe, session=mgmt_next, source=employer, client=martin, status=confirmed
    )
    next_emma = enrolment_create(trainee=emma, session=mgmt_next, source=self_)
    enrolment_create(
        trainee=bruno, session=sessions["rgpd_next"], source=employer, client=acme, status=confirmed
    )
    return past_alice, next_chloe, next_emma


def _sensitive_needs(past_alice, next_chloe, next_emma, *, now) -> None:
    """Needs on an ended session (the retention job deletes them) and on upcoming ones."""
    for enrolment, allergies, adaptations in (
        (past_alice, "Arachides", ""),
        (next_chloe, "Gluten (maladie cœliaque)", ""),
        (next_emma, "", "Salle accessible en fauteuil roulant"),
    ):
        sensitive_needs_record(
            enrolment=enrolment,
            food_allergies=allergies,
            allergies_consent=bool(allergies),
            disability_adaptations=adaptations,
            disability_consent=bool(adaptations),
            now=now,
        )


def _archived_enrolment(*, days, course) -> None:
    """Ended 4 months ago: no longer managed, so archived (but kept)."""
    archived = _session(
        course=course, start_date=days(-121), end_date=days(-120), location="Lille", capacity=8
    )
    hugo = trainee_create(
        surname="Moreau",
        first_name="Hugo",
        email="hugo.moreau@example.org",
        phone="0611223344",
        postal_address="5 rue Basse, Lille",
        occupation="Comptable",
    )
    enrolment_create(
        trainee=hugo,
        session=archived,
        source=Enrolment.Source.SELF,
        status=Enrolment.Status.COMPLETED,
    )


def _ancient_enrolment(*, days, course) -> None:
    """Ended 6 years ago: past the limitation period, so deleted."""
    day = days(-6 * 366)
    ancient = _session(course=course, start_date=day, end_date=day, location="Lyon", capacity=8)
    gilles = trainee_create(surname="Vieux", first_name="Gilles", email="gilles.vieux@example.org")
    completed = Enrolment.Status.COMPLETED
    enrolment_create(trainee=gilles, session=ancient, source="self", status=completed)


def _lapsed_contacts(*, days) -> None:
    """A client lost 4 years ago and a prospect silent for 4 years: their contacts go."""
    gone = organisation_create(
        name="Société Disparue",
        registration_number="39988877700015",
        address="Reims",
        relationship="ended",
        relationship_ended_on=days(-4 * 366),
    )
    client_contact_create(
        organisation=gone, surname="Ancien", first_name="Paul", email="paul.ancien@gone.example"
    )
    silent = organisation_create(
        name="Prospect Silencieux",
        registration_number="41122233300018",
        address="Tours",
        last_contact_on=days(-4 * 366),
    )
    client_contact_create(
        organisation=silent, surname="Muet", first_name="Léa", email="lea.muet@silent.example"
    )


def _stale_lead(*, now) -> None:
    """Someone put on file 4 years ago who never enrolled nor got in touch since."""
    lead = trainee_create(surname="Lointain", first_name="Marc", email="marc.lointain@example.org")
    long_ago = now - datetime.timedelta(days=4 * 366)
    Trainee.objects.filter(pk=lead.pk).update(created_at=long_ago, updated_at=long_ago)


def _old_cookie_choices(*, now) -> None:
    """Cookie choices made 14 months ago and last week: the first proof goes."""
    for age in (14 * 31, 7):
        when = now - datetime.timedelta(days=age)
        cookie_choice_record(
            action="refuse_all", categories=set(), previous=None, language="fr", now=when
        )
