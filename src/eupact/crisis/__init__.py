"""The Crisis and Force Majeure Regulation (EU) 2024/1359: the procedure (Arts 2-7), the
Solidarity Response Plan and crisis offsets (Arts 4, 8, 9) and the derogations (Arts 10-14).
"""
