"""factory_boy factories for members and their saved pieces."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from factory.django import DjangoModelFactory

from accounts.models import Favourite
from blog.tests.factories import PostFactory

PASSWORD = "a calm and long passphrase"


class MemberFactory(DjangoModelFactory):
    """A member who can log in with ``PASSWORD``, with a confirmed primary email address."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"reader{n}@example.org")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def confirmed(self, create, extracted, **kwargs):
        if create:
            verified = True if extracted is None else bool(extracted)
            EmailAddress.objects.create(user=self, email=self.email, primary=True, verified=verified)


class FavouriteFactory(DjangoModelFactory):
    class Meta:
        model = Favourite

    user = factory.SubFactory(MemberFactory)
    post = factory.SubFactory(PostFactory)
    post_title = factory.LazyAttribute(lambda o: o.post.title)
    note = ""
