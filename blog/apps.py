from django.apps import AppConfig


class BlogConfig(AppConfig):
    name = "blog"
    verbose_name = "Writing"

    def ready(self):
        # Cache invalidation is infrastructure, not business logic: any write to
        # posts or tags, from admin, import or shell, must start a new content version.
        from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
        from taggit.models import Tag

        from blog.caching import bump_on_commit
        from blog.models import Post, SiteSettings, TaggedPost
        from blog.slugs import ensure_tag_slug

        pre_save.connect(ensure_tag_slug, sender=Tag, dispatch_uid="tag-slug-never-empty")

        for model in (Post, TaggedPost, Tag, SiteSettings):
            post_save.connect(bump_on_commit, sender=model, dispatch_uid=f"bump-save-{model.__name__}")
            post_delete.connect(bump_on_commit, sender=model, dispatch_uid=f"bump-delete-{model.__name__}")
        m2m_changed.connect(bump_on_commit, sender=TaggedPost, dispatch_uid="bump-m2m-tags")
