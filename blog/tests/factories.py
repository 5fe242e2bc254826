"""factory_boy factories for posts, shared by every test module that needs content."""

import datetime

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory
from taggit.models import Tag

from blog.models import Post, TaggedPost


class PostFactory(DjangoModelFactory):
    """A published post dated ``days_ago`` days before now (1 by default).

    Tags go in as names: ``PostFactory(tags=["Rest", "Joy"])``.
    """

    class Meta:
        model = Post
        skip_postgeneration_save = True

    class Params:
        days_ago = 1

    title = factory.Sequence(lambda n: f"A quiet morning, number {n}")
    slug = factory.Sequence(lambda n: f"a-quiet-morning-{n}")
    body = factory.LazyAttribute(
        lambda o: f"Gentle *words* on {o.title.lower()}.\n\n> Rest is part of the work.\n\n- breathe\n- rest\n"
    )
    status = Post.Status.PUBLISHED
    published_at = factory.LazyAttribute(lambda o: timezone.now() - datetime.timedelta(days=o.days_ago))

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            # A new post has no tags, and saving it has just started a new content version: its tag rows
            # go in with one INSERT, not tags.add()'s read, get_or_create and two signals for each tag.
            # Tags are found as add() finds them (TAGGIT_CASE_INSENSITIVE), a missing one made by Tag.save.
            tags = [Tag.objects.get_or_create(name__iexact=name, defaults={"name": name})[0] for name in extracted]
            TaggedPost.objects.bulk_create([TaggedPost(content_object=self, tag=tag) for tag in dict.fromkeys(tags)])
