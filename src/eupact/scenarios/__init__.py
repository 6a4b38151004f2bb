"""What-if scenarios on the annual cycle (Art. 12–13, 57–63 AMMR): a recorded cycle year plus
named changes, run through the same engine as `eupact cycle run`, and compared side by side.

```python
from eupact.scenarios import load_scenario, run_scenario, compare
a = run_scenario(load_scenario("base.yaml"))
b = run_scenario(load_scenario("reference_25000.yaml"))
tables = compare(a, b, ("as recorded", "reference 25,000"))
```
"""

from eupact.scenarios.compare import compare
from eupact.scenarios.model import Scenario, load_scenario, scenario_from_dict
from eupact.scenarios.run import run_scenario

__all__ = ["Scenario", "compare", "load_scenario", "run_scenario", "scenario_from_dict"]
