"""The JSON API, assembled from each app's router. OpenAPI docs at /api/docs."""

import logging

from django.core.exceptions import (
    ObjectDoesNotExist,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from accounts.auth import api_auth
from urbangrid.errors import DomainError

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="UrbanGrid API",
    version="1",
    description="城市网格化管理 — geography, catalogue, components, cases and more.",
    auth=api_auth,
    urls_namespace="api",
)


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    body = {"detail": exc.message}
    if exc.details is not None:
        body["errors"] = exc.details
    return api.create_response(request, body, status=exc.status)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    messages = []
    for error in exc.errors:
        where = ".".join(str(part) for part in error.get("loc", ()) if part not in ("body", "payload"))
        messages.append(f"{where}: {error.get('msg')}" if where else str(error.get("msg")))
    return api.create_response(
        request, {"detail": "; ".join(messages) or "invalid input", "errors": exc.errors}, status=422
    )


@api.exception_handler(DjangoValidationError)
def on_django_validation_error(request, exc: DjangoValidationError):
    return api.create_response(request, {"detail": "; ".join(exc.messages)}, status=400)


@api.exception_handler(PermissionDenied)
def on_permission_denied(request, exc):
    return api.create_response(request, {"detail": str(exc) or "permission denied"}, status=403)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return api.create_response(request, {"detail": "authentication required"}, status=401)


@api.exception_handler(Http404)
@api.exception_handler(ObjectDoesNotExist)
def on_not_found(request, exc):
    return api.create_response(request, {"detail": str(exc) or "not found"}, status=404)


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


# Django's own views answer these with a 400; ninja would make them a 500.
@api.exception_handler(MultiPartParserError)
def on_bad_multipart(request, exc):
    return api.create_response(request, {"detail": f"malformed multipart body: {exc}"}, status=400)


@api.exception_handler(SuspiciousOperation)
def on_suspicious(request, exc):
    if isinstance(exc, RequestDataTooBig):
        return api.create_response(request, {"detail": "the request body is too large"}, status=413)
    return api.create_response(request, {"detail": str(exc) or "bad request"}, status=400)


# Input the schemas let through but the database cannot take: numbers beyond 64 bits (SQLite
# raises OverflowError, or "datatype mismatch" for a huge OFFSET), values too long or out of range
# (DataError), a row that collides with a constraint (IntegrityError). The transaction around the
# write has rolled back by now; the client gets a 4xx that names the problem, and the log keeps it.
@api.exception_handler(OverflowError)
@api.exception_handler(DataError)
def on_out_of_range(request, exc):
    logger.warning("out-of-range input on %s %s: %s", request.method, request.path, exc)
    return api.create_response(request, {"detail": f"a value is out of range: {exc}"}, status=400)


@api.exception_handler(IntegrityError)
def on_integrity_error(request, exc):
    logger.warning("integrity error on %s %s: %s", request.method, request.path, exc)
    if "datatype mismatch" in str(exc):  # SQLite: a number too large for LIMIT/OFFSET
        return api.create_response(request, {"detail": "a value is out of range"}, status=400)
    return api.create_response(request, {"detail": f"conflicts with existing data: {exc}"}, status=409)


def _mount_routers():
    """Each app that has an API exposes `router` in its api.py; mounted under its app name."""
    from importlib import import_module

    for app, prefix in [
        ("accounts", "/accounts/"),
        ("geo", "/geo/"),
        ("catalog", "/catalog/"),
        ("assets", "/assets/"),
        ("cases", "/cases/"),
        ("patrol", "/patrol/"),
        ("evaluation", "/evaluation/"),
        ("contract", "/contract/"),
    ]:
        try:
            module = import_module(f"{app}.api")
        except ModuleNotFoundError as exc:
            if exc.name != f"{app}.api":
                raise
            continue
        api.add_router(prefix, module.router)


_mount_routers()
