"""Subscribing (double opt-in), managing by signed link or on the account page, one-click unsubscribe.

Nothing here sends mail: the confirmation email is queued for the worker once the request commits.
"""

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from subscriptions import services, tokens
from subscriptions.forms import PreferencesForm, SubscribeForm
from subscriptions.models import Subscriber


def _bad_link(request, *, title: str, message: str):
    return render(request, "subscriptions/bad_link.html", {"title": title, "message": message}, status=400)


def _subscriber_or_none(token: str) -> Subscriber | None:
    pk = tokens.subscriber_pk_from_token(token)
    return Subscriber.objects.filter(pk=pk).first() if pk is not None else None


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request):
    """The ways to follow: feeds, and email with a confirmation link; the answer never says whether we know you."""
    form = SubscribeForm(request.POST or None, initial={"email": request.GET.get("email", "")[:254]})
    # Each address gets one confirmation per ten minutes (services); each visitor as many tries as
    # allauth allows sign-ups, so the form cannot be used to mail a long list of strangers.
    if request.method == "POST" and not ratelimit.consume(request, action="signup"):
        context = {"form": form, "limited": True}
        return render(request, "subscriptions/subscribe.html", context, status=429)
    if request.method == "POST" and form.is_valid():
        services.request_subscription(email=form.cleaned_data["email"])
        return render(request, "subscriptions/check_inbox.html", {"email": form.cleaned_data["email"]})
    status = 400 if request.method == "POST" else 200
    return render(request, "subscriptions/subscribe.html", {"form": form}, status=status)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token: str):
    """GET shows a button (mail scanners open links); POST confirms."""
    email = tokens.email_from_confirm_token(token)
    if email is None:
        return _bad_link(
            request,
            title="This confirmation link does not work",
            message="It may be older than three days or incomplete. You can ask for a new one.",
        )
    if request.method == "POST":
        subscriber = services.confirm_subscription(email=email)
        messages.success(request, "You are subscribed. Choose how often you would like to hear from us.")
        manage_token = tokens.subscriber_token(subscriber.pk)
        return HttpResponseRedirect(reverse("subscriptions:manage", kwargs={"token": manage_token}))
    return render(request, "subscriptions/confirm.html", {"email": email})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request, token: str):
    """Preferences from the link in every email: the signed link is the proof, no login needed."""
    subscriber = _subscriber_or_none(token)
    if subscriber is None:
        return _bad_link(request, title="This link does not work", message="It may be incomplete.")
    form = PreferencesForm.for_subscriber(subscriber, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.set_preferences(subscriber=subscriber, **form.cleaned_data)
        messages.success(request, "Saved. " + _frequency_sentence(subscriber))
        return HttpResponseRedirect(request.path)
    context = {"form": form, "subscriber": subscriber, "token": token}
    return render(request, "subscriptions/manage.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def member_preferences(request):
    """The same choices from the account page, for the member's own subscription."""
    subscriber = Subscriber.objects.filter(user=request.user).first()
    if subscriber is None:
        return HttpResponseRedirect(reverse("subscriptions:subscribe"))
    form = PreferencesForm.for_subscriber(subscriber, request.POST)
    if form.is_valid():
        services.set_preferences(subscriber=subscriber, **form.cleaned_data)
        messages.success(request, "Saved. " + _frequency_sentence(subscriber))
    else:
        messages.error(request, " ".join(error for errors in form.errors.values() for error in errors))
    return HttpResponseRedirect(reverse("accounts:account") + "#email-subscription")


# No CSRF token: mail programs POST here on the reader's behalf (RFC 8058), and the signed link is the
# proof. The view only ever turns mail off, so a forged request from elsewhere could do no more.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token: str):
    """GET shows a button (link scanners must not unsubscribe anyone); POST unsubscribes at once."""
    subscriber = _subscriber_or_none(token)
    if subscriber is None:
        return _bad_link(
            request,
            title="This unsubscribe link does not work",
            message="It may be incomplete. Copy the whole link from the email, or use the link at its foot.",
        )
    if request.method == "POST":
        services.unsubscribe(subscriber=subscriber)
        return render(request, "subscriptions/unsubscribed.html", {"subscriber": subscriber, "token": token})
    return render(request, "subscriptions/unsubscribe.html", {"subscriber": subscriber, "token": token})


_SENTENCES = {
    Subscriber.Frequency.EACH: "You will receive each new essay.",
    Subscriber.Frequency.WEEKLY: "You will receive a weekly digest.",
    Subscriber.Frequency.TAGS: "You will receive the essays with the tags you chose.",
    Subscriber.Frequency.OFF: "You will not receive any emails.",
}


def _frequency_sentence(subscriber: Subscriber) -> str:
    return _SENTENCES[subscriber.frequency]
