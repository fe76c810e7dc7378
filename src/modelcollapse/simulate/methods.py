"""The smc engine's method names, apart from the engine so that naming them (the family's
registration, the command line) does not load the samplers."""

# "auto" first (the family protocol); the sampled methods keep their names and meaning.
METHODS: tuple[str, ...] = ("auto", "direct", "sufficient", "conditional", "direct-conditional")
# --estimator x --method -> method name (engine.choose_method); "auto" is resolved by cost.
ESTIMATORS: tuple[str, ...] = ("conditional", "sampled")
SAMPLER_CHOICES: tuple[str, ...] = ("auto", "direct", "sufficient")
