import factory
from allauth.mfa.totp.internal.auth import TOTP

from portal.accounts.models import County, Household, Office, Role, Team, User

TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
PASSWORD = "a-long-test-password-2026"


class CountyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = County
        django_get_or_create = ["name"]

    name = "Hinds"


class OfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Office

    name = factory.Sequence(lambda n: f"Office {n}")
    county = factory.SubFactory(CountyFactory)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    office = factory.SubFactory(OfficeFactory)


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    name = factory.Sequence(lambda n: f"The Family{n} family")
    licence_number = factory.Sequence(lambda n: f"RF-TEST-{n:05d}")
    licence_status = Household.LicenceStatus.LICENSED
    county = factory.SubFactory(CountyFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    title = "Ms."
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    role = Role.CASEWORKER
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def with_mfa(obj, create, extracted, **kwargs):
        obj.save()
        if create and (extracted if extracted is not None else obj.role != Role.RESOURCE_PARENT):
            TOTP.activate(obj, TEST_TOTP_SECRET)


class ParentFactory(UserFactory):
    role = Role.RESOURCE_PARENT
    household = factory.SubFactory(HouseholdFactory)


class ChildFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "placements.Child"

    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")


class PlacementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "placements.Placement"
        skip_postgeneration_save = True

    child = factory.SubFactory(ChildFactory)
    household = factory.SubFactory(HouseholdFactory)
    started_on = factory.LazyFunction(lambda: __import__("datetime").date(2026, 9, 1))

    @factory.post_generation
    def disclosure(obj, create, extracted, **kwargs):
        """Every placement has its disclosure checklist (placements.services.place_children makes it; this skips the promises)."""
        if not create:
            return
        from django.utils import timezone

        from placements.models import ChecklistEntry, Disclosure, DisclosureItem

        disclosure = Disclosure.objects.create(placement=obj, updated_at=timezone.now())
        DisclosureItem.objects.bulk_create(
            [DisclosureItem(disclosure=disclosure, entry=entry) for entry in ChecklistEntry.objects.filter(active=True)]
        )
