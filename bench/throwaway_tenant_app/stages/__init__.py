"""The throwaway app's migrations at later points of its history, one package per stage.

The benchmark deploys a stage by pointing MIGRATION_MODULES at it (BENCH_MIGRATIONS):
``added_column`` adds Sample.note, ``second_column`` then adds Sample.code. Earlier
migrations are re-exported from where they first appeared, so every stage shares them.
"""
