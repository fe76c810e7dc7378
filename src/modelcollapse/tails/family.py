"""The families of "A Tale of Tails" (TG Part A): the Hutter LLM on Zipf data, the
tailed bigram model with Hutter++, the capacity-limited associative memory, and the Hutter
LLM chain under the workflows of WF §4 (replace, accumulate, mix)."""

from ..family import Family, register
from .bigram import BigramSetting, bigram_one
from .config import TailsSetting
from .memory import MemorySetting, memory_one
from .simulate import simulate_one
from .transforms import test_error
from .workflows import TailsWorkflowSetting, predict_tails_workflow, tails_workflow_one

TAILS = register(Family(
    name="tails", config=TailsSetting, run_one=simulate_one, predict=test_error,
    title="Hutter LLM on Zipf data under tail cuts, narrowing, mixing and generations",
    legacy_tasks={"modelcollapse.tails.simulate:simulate_one": "simulate"}))
BIGRAM = register(Family(
    name="bigram", config=BigramSetting, run_one=bigram_one,
    title="tailed bigram data and the Hutter++ estimator (total-variation error)"))
MEMORY = register(Family(
    name="memory", config=MemorySetting, run_one=memory_one,
    title="associative memory of capacity d on Zipf inputs (triplet scaling law)"))
TAILS_WORKFLOW = register(Family(
    name="tails-workflow", config=TailsWorkflowSetting, run_one=tails_workflow_one,
    predict=predict_tails_workflow,
    title="Hutter LLM chain over generations under replace, accumulate or mix"))
