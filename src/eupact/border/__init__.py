"""The asylum border procedure's adequate capacity and its watching: Arts 44-51 of Regulation (EU)
2024/1348 (APR).
"""
