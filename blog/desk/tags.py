"""Merging tags: every post tagged with one of ``others`` is tagged ``into`` instead, once."""

from django.db import transaction

from blog.models import TaggedPost


def merge_tags(*, into, others) -> int:
    """Move every post from ``others`` to ``into`` and delete ``others``; how many posts were moved.

    Members' saved-piece filters read tags through the posts, so they show the merged tag with
    every piece it now covers.
    """
    other_ids = [tag.pk for tag in others if tag.pk != into.pk]
    if not other_ids:
        return 0
    with transaction.atomic():
        already = set(TaggedPost.objects.filter(tag=into).values_list("content_object_id", flat=True))
        moving = set(TaggedPost.objects.filter(tag_id__in=other_ids).values_list("content_object_id", flat=True))
        TaggedPost.objects.bulk_create([TaggedPost(tag=into, content_object_id=pk) for pk in sorted(moving - already)])
        TaggedPost.objects.filter(tag_id__in=other_ids).delete()
        type(into).objects.filter(pk__in=other_ids).delete()
    return len(moving - already)
