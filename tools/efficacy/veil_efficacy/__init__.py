# SPDX-License-Identifier: GPL-3.0-or-later
"""Veil's efficacy lab: does a model trained on a protected copy do badly on clean photos?"""
