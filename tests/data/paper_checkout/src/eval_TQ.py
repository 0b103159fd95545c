import this_module_does_not_exist  # never imported: the reader parses this file, it does not run it


class SelectiveKnowledgeUnlearning:
    def assess_baseline(self, concept, questions):
        prefix = "FIXTURE-PLAIN: a multiple-choice test; the letter first."
        return self._assess_stage_parallel(prefix, questions)
