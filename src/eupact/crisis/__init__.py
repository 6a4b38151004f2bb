"""The Crisis and Force Majeure Regulation (EU) 2024/1359: the procedure (Arts 2-7), the
Solidarity Response Plan and crisis offsets (Arts 4, 8, 9) and the derogations (Arts 10-14).

Modules: ``measures`` (what a Council decision authorises, read by the other parts), ``events``
and ``reading`` (the acts and reading them), ``procedure`` (``replay``), ``rules`` (what each
situation allows), ``schedule`` and ``state`` (due dates, phase, the result), ``timing`` (how
periods count), ``plan`` and ``plan_input`` (Art. 4(2)(b), 8), ``offsets`` (Art. 9), ``border``
(the values Arts 10-12 and 14 change). See docs/crisis.md.
"""
