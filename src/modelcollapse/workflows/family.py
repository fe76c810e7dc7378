"""The workflow families (WF): the regression chain under replace, accumulate,
accumulate-subsample, mix and verify, and Gaussian fitting under the same workflows."""

from ..family import Family, register
from .config import WorkflowSetting
from .gaussian import GaussianSetting, gaussian_one, predict_gaussian
from .simulate import workflow_one
from .theory import predict_workflow

WORKFLOW = register(Family(
    name="workflow", config=WorkflowSetting, run_one=workflow_one, predict=predict_workflow,
    title="regression chain over generations: replace, accumulate, subsample, mix, verify"))
GAUSSIAN = register(Family(
    name="gaussian", config=GaussianSetting, run_one=gaussian_one, predict=predict_gaussian,
    title="Gaussian fitting over generations: variance collapse under each workflow"))
