"""lexproof's verifier: the Z3 encoding, proofs, built-in checks, explanations and the CLI."""
