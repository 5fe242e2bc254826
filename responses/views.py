"""Members' pages and writes: respond, edit, delete, report; the support page; the display name.

Every lookup of a member's own response includes ``author=request.user``: another member's is not
found (404). Writes answer JSON to ``fetch`` (``Accept: application/json``) and redirect otherwise.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from blog.models import Post
from responses import notices, rules, services, threads, tokens
from responses.forms import DisplayNameForm, EditForm, NoticesForm, ReportForm, ResponseForm
from responses.models import Notices, PostResponses, Report, Responder, Response, SupportResource

HELD_MESSAGE = "Thank you. Your response is waiting for a kind look from us before others see it."


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _form_errors(form) -> dict:
    return {name: [error["message"] for error in errors] for name, errors in form.errors.get_json_data().items()}


def _drawn_own(request, response: Response) -> str:
    """The response as its author sees it on the page, to put in place."""
    context = {"response": response, "reply": bool(response.parent_id), "controls": True, "mine": True}
    return render_to_string("responses/response.html", context, request)


def _thread_url(response: Response, user) -> str:
    post_url = response.post.get_absolute_url()
    number = threads.thread_page_of(response, user=user)
    query = f"?{threads.PAGE_PARAMETER}={number}" if number > 1 else ""
    return f"{post_url}{query}#{response.anchor}"


@never_cache
@require_POST
@login_required
def respond(request, slug):
    """Write a response (or a reply) to a published post."""
    post = get_object_or_404(Post.objects.published().defer(*Post.TEXT_FIELDS), slug=slug)
    if rules.post_mode(post) == PostResponses.Mode.OFF:
        raise Http404("This piece takes no responses.")
    needs_name = not Responder.objects.filter(user=request.user).exists()
    form = ResponseForm(request.POST, needs_name=needs_name)
    if form.is_valid():
        data = form.cleaned_data
        parent = None
        if data.get("parent"):
            parent = Response.objects.filter(pk=data["parent"], post=post).select_related("parent").first()
            if parent is None:
                form.add_error(None, services.NO_PARENT)
    if form.is_valid():
        try:
            if needs_name:
                services.display_name_set(user=request.user, display_name=data["display_name"])
            response = services.response_create(
                user=request.user, post=post, body=data["body"], key=data["key"], parent=parent
            )
        except services.Refused as refusal:
            form.add_error(None, str(refusal))
    if not form.is_valid():
        if _wants_json(request):
            return JsonResponse({"errors": _form_errors(form)}, status=400)
        context = {"post": post, "form": form, "respond_url": reverse("responses:respond", args=[slug])}
        return render(request, "responses/respond_again.html", context, status=400)
    if _wants_json(request):
        html = _drawn_own(request, response)
        return JsonResponse(
            {"id": response.pk, "parent": response.parent_id, "held": response.is_held, "html": html}, status=201
        )
    messages.success(request, HELD_MESSAGE if response.is_held else "Thank you. Your response is published.")
    return HttpResponseRedirect(_thread_url(response, request.user))


@require_safe
def permalink(request, pk):
    """A response's own address: its post's page, at the page and anchor where it shows."""
    response = get_object_or_404(
        Response.objects.visible_to(request.user).filter(post__in=Post.objects.published()).select_related("post"),
        pk=pk,
    )
    return HttpResponseRedirect(_thread_url(response, request.user))


def _own_response(request, pk) -> Response:
    return get_object_or_404(
        Response.objects.filter(status__in=[Response.Status.PUBLISHED, Response.Status.HELD]).select_related("post"),
        pk=pk,
        author=request.user,
    )


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def edit(request, pk):
    """Edit one's own response within 24 hours of writing it."""
    response = _own_response(request, pk)
    if request.method != "POST" and _wants_json(request):  # the in-place form asks for the text as written
        return JsonResponse({"body": response.body, "can_edit": response.can_edit(request.user)})
    form = EditForm(request.POST or None, initial={"body": response.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.response_edit(user=request.user, response=response, body=form.cleaned_data["body"])
        except services.Refused as refusal:
            form.add_error(None, str(refusal))
        else:
            if _wants_json(request):
                return JsonResponse(
                    {"id": response.pk, "held": response.is_held, "html": _drawn_own(request, response)}
                )
            messages.success(request, "Your response is updated.")
            return HttpResponseRedirect(_thread_url(response, request.user))
    if request.method == "POST" and _wants_json(request):
        return JsonResponse({"errors": _form_errors(form)}, status=400)
    context = {"response": response, "form": form, "can_edit": response.can_edit(request.user)}
    return render(request, "responses/edit.html", context, status=400 if form.errors else 200)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def delete(request, pk):
    """Delete one's own response, after a question (GET shows it; POST deletes)."""
    response = _own_response(request, pk)
    if request.method == "POST":
        post_url = response.post.get_absolute_url()
        services.response_delete(user=request.user, response=response)
        if _wants_json(request):
            return JsonResponse({"deleted": True})
        messages.success(request, "Your response is deleted.")
        return HttpResponseRedirect(f"{post_url}#responses")
    return render(request, "responses/delete.html", {"response": response})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def report(request, pk):
    """Report someone else's response to staff, once."""
    response = get_object_or_404(
        Response.objects.visible_to(request.user)
        .filter(post__in=Post.objects.published())
        .exclude(author=request.user)
        .select_related("post", "author__responder"),
        pk=pk,
    )
    already = Report.objects.filter(response=response, reporter=request.user).exists()
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        services.report_create(user=request.user, response=response, reason=data["reason"], text=data["text"])
        if data["reason"] == Report.Reason.AT_RISK:
            return HttpResponseRedirect(reverse("responses:support"))
        messages.success(request, "Thank you for telling us. Someone will take a look.")
        return HttpResponseRedirect(_thread_url(response, request.user))
    context = {"response": response, "form": form, "already": already}
    return render(request, "responses/report.html", context, status=400 if form.errors else 200)


@never_cache
@require_safe
def support(request):
    """Where to turn, as staff keep it: shown after a report that someone may be at risk."""
    return render(request, "responses/support.html", {"resources": SupportResource.objects.all()})


@never_cache
@require_POST
@login_required
def display_name(request):
    """Set or change the member's display name (from the account page)."""
    form = DisplayNameForm(request.POST)
    if form.is_valid():
        try:
            services.display_name_set(user=request.user, display_name=form.cleaned_data["display_name"])
        except services.Refused as refusal:
            form.add_error("display_name", str(refusal))
    if not form.is_valid():
        return render(request, "responses/display_name_again.html", {"form": form}, status=400)
    messages.success(request, "Your display name is saved.")
    return HttpResponseRedirect(reverse("accounts:account"))


@never_cache
@require_POST
@login_required
def notices_choice(request):
    """The member's emails about responses, from the account page (a checkbox left out means off)."""
    moderator = notices.can_moderate(request.user)
    form = NoticesForm(request.POST, moderator=moderator)
    form.is_valid()  # two checkboxes: nothing to refuse
    services.notices_set(
        user=request.user,
        replies=form.cleaned_data.get("replies", False),
        moderation=form.cleaned_data.get("moderation", False) if moderator else None,
    )
    messages.success(request, "Your email choices are saved.")
    return HttpResponseRedirect(reverse("accounts:account") + "#email-notices")


# No CSRF token: mail programs POST here on the member's behalf (RFC 8058); the signed link is the proof,
# and the view only ever turns an email off.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def stop(request, token):
    """The replies summary's one-click stop: GET shows a button (link scanners stop nothing); POST stops."""
    pk = tokens.member_pk_from_token(token)
    choice = Notices.objects.filter(user_id=pk).first() if pk is not None else None
    if choice is None:
        return render(request, "responses/stop.html", {"bad_link": True}, status=400)
    if request.method == "POST":
        services.replies_summary_stop(user_id=choice.user_id)
        return render(request, "responses/stopped.html")
    return render(request, "responses/stop.html", {"receiving": choice.replies})
