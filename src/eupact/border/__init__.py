"""The asylum border procedure's adequate capacity and its watching: Arts 44-51 of Regulation (EU)
2024/1348 (APR).

* :mod:`~eupact.border.acts`: the implementing acts of Art. 47(1) (their dates, data years and
  periods, Art. 47(5)), the annual maximum's phase-in (Art. 47(1), second subparagraph), who is bound;
* :mod:`~eupact.border.capacity`: the formula of Art. 47(4) (the Union's capacity of Art. 46 split by each
  state's share of irregular crossings and refusals of entry), with its trace;
* :mod:`~eupact.border.recorded`: Commission Implementing Decision (EU) 2024/2150 as recorded,
  and a computation beside it;
* :mod:`~eupact.border.monitoring`: the months of a state's border procedures against its
  capacity and maximum, and what it is released from (Arts 47(2)-(3), 48, 50);
* :mod:`~eupact.border.notifications`: the notification (Art. 49(1)-(3)), the Commission's Art. 50
  act and the monthly report (Art. 49(4));
* :mod:`~eupact.border.synthetic`: SYNTHETIC seeded inputs for demonstrations and tests.
"""
