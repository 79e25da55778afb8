"""The lexproof statute language: grammar, parser, AST, checker, amendments and evaluator."""
