"""DNS snippet generator (docs/behaviour-reference.md §3): BIND zone snippets from IPAM, committed to git, served
read-only.

Pure core: ``records`` (inclusion rules, naming, reverse zones), ``zonefiles`` (record lines, sort order, files),
``treediff`` (diff of two trees and the safety thresholds), ``icinga`` (the state check's rules).
Edges: ``loader`` (ORM, bulk), ``publish`` (git), ``lock`` (PostgreSQL advisory lock), ``service`` (the one service
every door calls), ``jobs``, ``views``/``urls`` (read-only git over HTTP).
"""
