"""Domain types that cross boundaries: frozen dataclasses, no framework."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Fact:
    """One checked fact of a guide (front matter `facts`): a fee, a deadline, an age, a hotline …"""

    text: str
    kind: str = "other"  # fee | deadline | age | hotline | limit | menu | legal | other
    source: str = ""
    checked_on: str = ""


@dataclass(frozen=True)
class Passage:
    """One retrieved chunk with its document's metadata and scores."""

    doc_id: str
    chunk_id: str
    title: str
    url: str
    text: str
    lang: str
    topic: str
    kind: str  # guide | faq | procedure | document
    score: float  # fused score in [0, 1]
    dense: float = 0.0
    lexical: float = 0.0
    lead: str = ""  # the document's one-line answer, when it has one
    summary: str = ""  # the guide's one-sentence summary (front matter), when it has one
    facts: tuple[Fact, ...] = ()


@dataclass(frozen=True)
class QueryAnalysis:
    """What the normaliser made of a question."""

    original: str
    normalized: str  # NFC, lower-cased, abbreviations expanded
    restored: str  # tone marks restored (equals `normalized` when it already had them)
    folded_tokens: tuple[str, ...]  # accent-folded syllables used for lexical search
    kind: str  # accented | unaccented | english
    lang: str  # vi | en


@dataclass(frozen=True)
class Retrieval:
    """Ranked passages (best document first, one passage per document) and confidence features."""

    query: QueryAnalysis
    passages: tuple[Passage, ...]
    coverage: float = 0.0  # share of the query's informative terms found in the best document
    margin: float = 0.0  # fused score gap between the first and second document
    head_coverage: float = 0.0  # share of the informative terms found in the best guide's title, questions, summary
    known: float = 0.0  # share of the informative terms found in some guide's title, questions or summary
    bm25: float = 0.0  # raw BM25 score of the best document's passage (not normalised by the query's best)
    # the question's best dense similarity to any guide's phrasing (title, `questions`: the index's head vectors);
    # an off-topic question is unlike every phrased question, however close some passage's words are
    head_sim: float = 0.0
    # runners-up whose title the question does not tell apart from the first's ("quên mật khẩu" names
    # neither VNeID nor the bank): candidates for a clarifying question
    confusable: tuple[str, ...] = ()


@dataclass(frozen=True)
class Source:
    doc_id: str
    title: str
    url: str
    score: float
    snippet: str


@dataclass(frozen=True)
class Answer:
    """The reply to one question: text, confidence, decision and sources (best first)."""

    question: str
    text: str
    confidence: float
    covered: bool
    escalate: bool
    sources: tuple[Source, ...] = ()
    related: tuple[Source, ...] = ()
    lang: str = "vi"
    standalone_question: str = ""  # the question actually searched (follow-ups are expanded)
    question_id: int = 0  # id in the question log (0 when not logged), for feedback
    topic: str = ""
    mode: str = "extractive"  # extractive | llm: who wrote `text` (llm answers passed the grounding checks)
    fallback_reason: str = ""  # why a language-model answer was not used (timeout, bad_citation, …); "" otherwise
    llm_tokens: int = 0  # prompt + completion tokens spent on this answer
    direct: str = ""  # the one or two sentences that answer exactly what was asked (a fee, a deadline …)
    clarify: tuple[Source, ...] = ()  # guides to choose from when the question fits several (ask back)
    kind: str = ""  # "portal" when the answer is a portal FAQ / procedure record outside the guides


@dataclass(frozen=True)
class QuestionRecord:
    """What the question log keeps about one answered question (text already redacted)."""

    question: str
    channel: str
    confidence: float
    covered: bool
    source_ids: tuple[str, ...]
    lang: str
    topic: str = ""
    latency_ms: float = 0.0
    answer_mode: str = "extractive"
    fallback_reason: str = ""
    llm_tokens: int = 0


@dataclass(frozen=True)
class GenerationRequest:
    """What a language model is given: the (redacted) question and the numbered passages, nothing else."""

    question: str
    passages: tuple[str, ...]  # passage i is cited as [i+1]
    lang: str = "vi"


@dataclass(frozen=True)
class Generation:
    """A language model's reply, before any check."""

    text: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    finish_reason: str = ""  # stop | length | …


@dataclass
class ConversationContext:
    """The recent turns of one conversation that answering needs (for follow-ups)."""

    previous_questions: list[str] = field(default_factory=list)
    lang: str | None = None
