"""The published site: pages, metadata and the OpenAPI document, built from the project."""
