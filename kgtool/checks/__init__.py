"""Checking the data: SHACL shapes (a fast whole-graph engine, pySHACL), Python checks, reports."""
