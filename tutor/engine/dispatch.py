"""`apply`: one jitted entry that steps any rule, so jitted loops can choose the rule at run time.

The order of `hp` is the order of `Rule.defaults` in `optim.RULES`; the rule ids are theirs too.
"""

from __future__ import annotations

import numba

from tutor.engine import rules

# Inlined into its jitted callers: each call boundary between jitted functions costs reference
# counting on every array argument, about 100 ns, more than a 2-D step itself.
_inlined_kernel = numba.njit(cache=True, error_model="numpy", inline="always")


@_inlined_kernel
def apply(rule_id, p, g, h, state, hp, t):
    """One step of rule `rule_id` on flat arrays; `t` is the 1-based step number after this one."""
    if rule_id == 0:
        rules.gd(p, g, hp[0], hp[1])
    elif rule_id == 1 or rule_id == 2:
        rules.momentum(p, g, state[0], hp[0], hp[1], hp[2], hp[3], rule_id == 2, t == 1)
    elif rule_id == 3:
        rules.adagrad(p, g, state[0], hp[0], hp[1], hp[2], hp[4], t)
    elif rule_id == 4:
        rules.rmsprop(p, g, state[0], state[1], state[2], hp[0], hp[1], hp[2], hp[3], hp[4],
                      hp[5] != 0.0)
    elif rule_id == 5:
        rules.adadelta(p, g, state[0], state[1], hp[0], hp[1], hp[2], hp[3])
    elif rule_id == 6 or rule_id == 7:
        rules.adam(p, g, state[0], state[1], state[2], hp[0], hp[1], hp[2], hp[3], hp[4],
                   hp[5] != 0.0, rule_id == 7, t)
    elif rule_id == 8:
        rules.newton(p, g, h, hp[0], hp[1])
