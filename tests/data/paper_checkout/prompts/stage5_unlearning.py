import json


def get_unlearning_prompt(concept: str) -> str:
    return f"""
FIXTURE-UNLEARN: forget [{concept}] and answer from the question's words alone, or say INSUFFICIENT.
""".strip()


def get_unlearning_and_video_learning_prompt(concept: str) -> str:
    return f"""
FIXTURE-UNLEARN-VIDEO: forget [{concept}] except what the attached video shows; else say INSUFFICIENT.
""".strip()
