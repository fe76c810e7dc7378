"""Session-wide test settings."""

import atexit
import os
import shutil
import tempfile

# Network-experiment tasks cache generators and corpora under $MODELCOLLAPSE_CACHE. Set it
# before any sweep starts its worker processes (they inherit the environment then), so no
# test writes to the home directory.
if "MODELCOLLAPSE_CACHE" not in os.environ:
    os.environ["MODELCOLLAPSE_CACHE"] = tempfile.mkdtemp(prefix="modelcollapse-cache-")
    atexit.register(shutil.rmtree, os.environ["MODELCOLLAPSE_CACHE"], ignore_errors=True)
