"""The hostile-input suite: what a stranger or a mistake can send, each attack reproduced and
refused.

One module a surface: playbooks and files (test_files), crisis ids and state bounds (test_bounds),
Slack (test_slack), markup in outputs (test_markup), floods of triggers (test_floods).
"""
