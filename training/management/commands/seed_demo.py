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
from consent.models import ConsentRecord
from consent.services import consent_record
from cookies.services import cookie_choice_record
from staff_auth.services import demo_second_factor_ensure
from trainees.models import Trainee
from trainees.services import trainee_create
from training.models import Enrolment, Session
from training.sensitive_needs import sensitive_needs_record
from training.services import course_create, enrolment_create, session_save

ACME_SIRET = "55210055400013"

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
        def days(n: int) -> datetime.date:
            return today + datetime.timedelta(days=n)

        def _session(**fields) -> Session:
            session = Session(**fields)
            session_save(session=session)
            return session

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
            purpose=ConsentRecord.Purpose.CLIENT_PROSPECTING,
            action=ConsentRecord.Action.OBJECTED,
            channel=ConsentRecord.Channel.STAFF,
            at=timezone.now() - datetime.timedelta(days=30),
        )

        sst = course_create(
            code="SST-INIT",
            title="Sauveteur secouriste du travail",
            duration_hours=14,
            description="Formation initiale aux gestes de premiers secours en entreprise.",
        )
        excel = course_create(code="EXCEL-AV", title="Excel avancé", duration_hours=7)
        mgmt = course_create(code="MGMT-01", title="Manager une équipe", duration_hours=21)
        rgpd = course_create(code="RGPD-101", title="Le RGPD au quotidien", duration_hours=7)

        sst_past = _session(
            course=sst,
            start_date=days(-60),
            end_date=days(-59),
            location="Lyon",
            capacity=10,
            trainer="Nadia Benali",
            meals_provided=True,
        )
        excel_past = _session(
            course=excel,
            start_date=days(-10),
            end_date=days(-10),
            location="En ligne",
            format="online",
            capacity=15,
            trainer="Paul Leroy",
        )
        mgmt_next = _session(
            course=mgmt,
            start_date=days(14),
            end_date=days(16),
            location="Paris",
            capacity=12,
            trainer="Hélène Morel",
            meals_provided=True,
        )
        _session(
            course=sst,
            start_date=days(30),
            end_date=days(31),
            location="Bordeaux",
            capacity=10,
            trainer="Nadia Benali",
            meals_provided=True,
        )
        rgpd_next = _session(
            course=rgpd,
            start_date=days(45),
            end_date=days(45),
            location="En ligne",
            format="blended",
            capacity=2,
            trainer="Paul Leroy",
        )

        def trainee(surname, first_name, employer=None, occupation=""):
            email = f"{first_name}.{surname}@example.org".lower().replace("é", "e")
            return trainee_create(
                surname=surname,
                first_name=first_name,
                email=email,
                employer=employer,
                occupation=occupation,
            )

        alice = trainee("Lambert", "Alice", acme, "Technicienne de maintenance")
        bruno = trainee("Garnier", "Bruno", acme, "Chef d'équipe")
        chloe = trainee("Roux", "Chloé", martin, "Boulangère")
        david = trainee("Fontaine", "David", None, "Consultant indépendant")
        emma = trainee("Chevalier", "Emma", None, "Assistante de direction")

        employer, self_ = Enrolment.Source.EMPLOYER, Enrolment.Source.SELF
        completed, confirmed = Enrolment.Status.COMPLETED, Enrolment.Status.CONFIRMED
        now = timezone.now()

        past_alice = enrolment_create(
            trainee=alice, session=sst_past, source=employer, client=acme, status=completed
        )
        enrolment_create(
            trainee=bruno, session=sst_past, source=employer, client=acme, status=completed
        )
        enrolment_create(trainee=david, session=excel_past, source=self_, status=completed)
        next_chloe = enrolment_create(
            trainee=chloe, session=mgmt_next, source=employer, client=martin, status=confirmed
        )
        next_emma = enrolment_create(trainee=emma, session=mgmt_next, source=self_)
        enrolment_create(
            trainee=bruno, session=rgpd_next, source=employer, client=acme, status=confirmed
        )

        # Needs on an ended session (the retention job deletes them) and on upcoming ones.
        sensitive_needs_record(
            enrolment=past_alice,
            food_allergies="Arachides",
            allergies_consent=True,
            disability_adaptations="",
            disability_consent=False,
            now=now,
        )
        sensitive_needs_record(
            enrolment=next_chloe,
            food_allergies="Gluten (maladie cœliaque)",
            allergies_consent=True,
            disability_adaptations="",
            disability_consent=False,
            now=now,
        )
        sensitive_needs_record(
            enrolment=next_emma,
            food_allergies="",
            allergies_consent=False,
            disability_adaptations="Salle accessible en fauteuil roulant",
            disability_consent=True,
            now=now,
        )

        self._past_to_retain(days=days, now=now, course=excel)

    def _past_to_retain(self, *, days, now, course) -> None:
        """Data on both sides of each retention rule, so that `retention run` (or beat)
        has something to show."""
        # Ended 4 months ago: no longer managed, so archived (but kept).
        archived = Session(
            course=course, start_date=days(-121), end_date=days(-120), location="Lille", capacity=8
        )
        session_save(session=archived)
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
        # Ended 6 years ago: past the limitation period, so deleted.
        ancient = Session(
            course=course,
            start_date=days(-6 * 366),
            end_date=days(-6 * 366),
            location="Lyon",
            capacity=8,
        )
        session_save(session=ancient)
        gilles = trainee_create(
            surname="Vieux", first_name="Gilles", email="gilles.vieux@example.org"
        )
        enrolment_create(
            trainee=gilles,
            session=ancient,
            source=Enrolment.Source.SELF,
            status=Enrolment.Status.COMPLETED,
        )
        # A client lost 4 years ago and a prospect silent for 4 years: their contacts go.
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
        # Someone on file who never enrolled, untouched for 4 years.
        lead = trainee_create(
            surname="Lointain", first_name="Marc", email="marc.lointain@example.org"
        )
        Trainee.objects.filter(pk=lead.pk).update(updated_at=now - datetime.timedelta(days=4 * 366))
        # Cookie choices made 14 months ago and last week: the first proof goes.
        for age in (14 * 31, 7):
            cookie_choice_record(
                action="refuse_all",
                categories=set(),
                previous=None,
                language="fr",
                now=now - datetime.timedelta(days=age),
            )
