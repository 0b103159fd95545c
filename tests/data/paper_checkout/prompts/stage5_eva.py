import json


def get_prompt_aes(knowledge_point):
    """Stand-in rubric (test fixture)."""
    context = ""
    if knowledge_point:
        context = f"""
FIXTURE-RUBRIC-CONTEXT: the video teaches "{knowledge_point}".
"""

    return f"""
FIXTURE-RUBRIC: score the video on five dimensions, 20 points each.
{context}
Reply in JSON:
{{
  "element_layout": {{"score": 0, "feedback": "..."}},
  "attractiveness": {{"score": 0, "feedback": "..."}},
  "logic_flow": {{"score": 0, "feedback": "..."}},
  "accuracy_depth": {{"score": 0, "feedback": "..."}},
  "visual_consistency": {{"score": 0, "feedback": "..."}}
}}
"""
