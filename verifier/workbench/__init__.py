"""The workbench: ``lexproof serve``, a local web application over the API (docs/workbench.md)."""
