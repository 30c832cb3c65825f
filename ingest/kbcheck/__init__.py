"""`binhdan kb check`: validates the curated knowledge base (guides, lessons, lexicon).

Modules: `report` (the report, domain lists, URL/date helpers), `guides` (one guide), `facts` (the `facts:`
front matter and the claims that need one), `text` (citizen-text rules shared with lessons), `lessons`
(modules and quiz statistics), `run` (`check_kb` over the whole knowledge base).
"""

from ingest.kbcheck.guides import AUDIENCES, LANGS, TOPICS, check_guide
from ingest.kbcheck.lessons import check_lessons, quiz_stats
from ingest.kbcheck.report import Report, _looks_reachable, is_official, load_domain_list, load_official_domains
from ingest.kbcheck.run import check_kb

__all__ = ["AUDIENCES", "LANGS", "TOPICS", "Report", "_looks_reachable", "check_guide", "check_kb", "check_lessons",
           "is_official", "load_domain_list", "load_official_domains", "quiz_stats"]
