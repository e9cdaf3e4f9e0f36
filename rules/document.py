"""The document the rules engine sees (docs/architecture.md, "The document the engine sees").

One `Document` per shop or product page. Spiders never build it: the normalise pipeline
turns a crawled item into a Document, and `wangjian rules scan` reads Documents as JSON
Lines. Every field may be absent in input; unknown keys are refused so typos surface.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Category = Literal["药品", "医疗器械", "化妆品", "保健食品", "食品", "普通商品"]
DocumentKind = Literal["shop", "product"]

#: The roles a text field may play; rules name the roles they apply to.
FIELD_ROLES: tuple[str, ...] = (
    "title",
    "subtitle",
    "description",
    "promo",
    "price_text",
    "terms",
    "shop_info",
    "licence_text",
    "image_text",
)
#: A text field name, as rules and checks write it.
TextField = Literal[FIELD_ROLES]  # type: ignore[valid-type]

#: Facts a certificate picture states (营业执照, 食品/药品经营许可证, 医疗器械经营备案凭证).
LicenceKey = Literal["name", "uscc", "address", "representative", "scope", "valid_until", "licence_no"]


class Option(BaseModel):
    """A checkout / purchase option with its default state as served."""

    model_config = ConfigDict(extra="forbid")

    label: str
    checked: bool = False
    price: float | None = None


class LicenceFact(BaseModel):
    """One labelled fact read from a certificate picture. `valid_until` is an ISO date or
    长期; `start`/`end` locate the value in `fields.licence_text` when it was put there."""

    model_config = ConfigDict(extra="forbid")

    value: str
    confidence: float | None = Field(default=None, ge=0, le=1, description="OCR confidence of the value")
    start: int | None = None
    end: int | None = None


class LicenceImage(BaseModel):
    """A certificate picture read by OCR and parsed into its facts."""

    model_config = ConfigDict(extra="forbid")

    kind: str | None = None  # 营业执照 / 食品经营许可证 / 药品经营许可证 / 医疗器械经营备案凭证, None: not recognised
    image_sha256: str | None = None
    url: str | None = None
    confidence: float | None = Field(default=None, ge=0, le=1, description="lowest confidence of all lines read")
    facts: dict[LicenceKey, LicenceFact] = Field(default_factory=dict)


class Attributes(BaseModel):
    """Structured facts found on the page."""

    model_config = ConfigDict(extra="forbid")

    uscc: str | None = None
    operator_name: str | None = None
    drug_licence_no: str | None = None
    device_licence_no: str | None = None
    internet_drug_info_cert: str | None = None
    prescription: bool | None = None
    original_price: float | None = None
    price: float | None = None  # the lowest price shown (a range's lower end)
    price_max: float | None = None  # a price range's upper end, when the page shows a range
    self_declaration: str | None = None
    drug_approval_no: str | None = None  # 国药准字 on a drug page
    cosmetic_filing_no: str | None = None  # 妆网备字 / 国妆特字 on a cosmetics page
    # a book, periodical, audio-visual or electronic publication (出版物, by the platform's category):
    # its title names a work, whose words rank or treat nothing
    publication: bool | None = None
    licence_images: list[LicenceImage] = Field(default_factory=list)  # certificate pictures read by OCR


class Document(BaseModel):
    """A shop or product page, reduced to what the rules need."""

    model_config = ConfigDict(extra="forbid")

    id: str
    kind: DocumentKind = "product"
    platform: str | None = None
    url: str | None = None
    category: Category | None = None
    fields: dict[str, str] = Field(default_factory=dict)
    options: list[Option] = Field(default_factory=list)
    attributes: Attributes = Field(default_factory=Attributes)
