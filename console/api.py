"""The read API for downstream systems, mounted at /api/v1 (OpenAPI at /api/v1/openapi.json).

Each system has its own read-only token (`wangjian token add SYSTEM`), sent as
`Authorization: Bearer <token>`. Clues are served in insertion order with a cursor
(console.feed): pass `next_cursor` back as `after` to get only what is new; every clue
comes exactly once. Clue documents are the `Clue` model of the store, the same schema as
`wangjian schema clue`."""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field

from console.feed import CursorError, clues_after
from console.queries import QueueFilter
from console.services import Services
from store.models import Clue, EvidenceRecord

MAX_LIMIT = 500
bearer = HTTPBearer(auto_error=False, description="read-only token made by `wangjian token add SYSTEM`")


class CluePage(BaseModel):
    items: list[Clue]
    next_cursor: str | None = Field(description="pass as `after` to continue; unchanged when nothing new")
    settle_seconds: float = Field(description="clues appear in the feed this long after they are stored")


def _services(request: Request) -> Services:
    return request.app.state.services


def reader(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> dict[str, Any]:
    """The system behind the bearer token (401 without a valid one)."""
    token = credentials.credentials if credentials else None
    system = _services(request).accounts.token_system(token) if token else None
    if system is None:
        raise HTTPException(401, "a valid API token is required", headers={"WWW-Authenticate": "Bearer"})
    return system


Reader = Annotated[dict[str, Any], Depends(reader)]


def create_api(services: Services) -> FastAPI:
    api = FastAPI(
        title="wangjian read API", version="1", docs_url=None, redoc_url=None,
        description=__doc__,
    )  # fmt: skip
    api.state.services = services

    @api.get("/clues", response_model=CluePage, response_model_by_alias=True)
    def list_clues(
        request: Request,
        system: Reader,
        after: Annotated[str | None, Query(description="cursor: the next_cursor of the previous page")] = None,
        limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
        family: str | None = None,
        platform: str | None = None,
        severity: str | None = None,
        status: str | None = None,
        region: Annotated[str | None, Query(description="region code prefix or province name")] = None,
        pack_version: Annotated[str | None, Query(description="pack@version or a version")] = None,
        task: str | None = None,
    ) -> dict[str, Any]:
        svc = _services(request)
        wanted = QueueFilter(family, platform, severity, status, region, pack_version, task)
        try:
            clues, cursor = clues_after(svc.store, after, limit, wanted.query(), settle=svc.config.settle_seconds)
        except (CursorError, ValueError) as exc:
            raise HTTPException(400, str(exc)) from None
        return {"items": clues, "next_cursor": cursor, "settle_seconds": svc.config.settle_seconds}

    @api.get("/clues/{clue_id}", response_model=Clue, response_model_by_alias=True)
    def get_clue(request: Request, system: Reader, clue_id: str) -> dict[str, Any]:
        clue = _services(request).store.clues.find_one({"_id": clue_id})
        if clue is None:
            raise HTTPException(404, f"no clue {clue_id}")
        return clue

    @api.get("/evidence/{evidence_id}", response_model=EvidenceRecord, response_model_by_alias=True)
    def get_evidence(request: Request, system: Reader, evidence_id: str) -> dict[str, Any]:
        record = _services(request).store.evidence.find_one({"_id": evidence_id})
        if record is None:
            raise HTTPException(404, f"no evidence record {evidence_id}")
        return record

    @api.get(
        "/evidence/{evidence_id}/artifacts/{sha256}",
        response_class=Response,
        responses={200: {"description": "the stored bytes; X-Content-SHA256 and Digest carry their hash",
                         "content": {"application/octet-stream": {}}}},
    )  # fmt: skip
    def download(request: Request, system: Reader, evidence_id: str, sha256: str) -> Response:
        store = _services(request).store
        doc = store.evidence.find_one({"_id": evidence_id})
        if doc is None:
            raise HTTPException(404, f"no evidence record {evidence_id}")
        record = EvidenceRecord.model_validate(doc)
        artifact = next((a for a in record.artifacts if a.sha256 == sha256), None)
        if artifact is None:
            raise HTTPException(404, f"evidence {evidence_id} has no artifact {sha256}")
        data = store.read_artifact(artifact.file_id)
        store.log_access("api-download", [evidence_id], note=f"system {system['system']}: {artifact.kind}")
        digest = base64.b64encode(bytes.fromhex(artifact.sha256)).decode("ascii")
        return Response(
            data, media_type=artifact.media_type,
            headers={"X-Content-SHA256": artifact.sha256, "Digest": f"sha-256={digest}",
                     "Content-Disposition": f'attachment; filename="{evidence_id}-{artifact.kind}"'},
        )  # fmt: skip

    return api
