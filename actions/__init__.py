"""Custom actions: dialogue logic only.

Every action asks ``knowledge.KnowledgeBase`` for facts and answers with a
response from domain.yml; none of them writes SQL or user-facing sentences.
"""
