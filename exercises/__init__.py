"""What a learner edits: the optimizer stubs, the calculus worksheets, their metadata and the
workspace template, shipped as package data.

Nothing here is meant to be imported for its behaviour: `tutor init` copies the files out of the
installed package (read them with `importlib.resources.files("exercises")`), and the grader reads
`info.toml` for titles, points, hints and lessons. The package exists so that the data travels in
the wheel next to the code that grades it and always matches its version.

Layout (paths in `info.toml` are relative to this folder, which is also the layout of a learner's
workspace):

    info.toml                 one [[exercise]] table per exercise
    optimizers/<name>.py      one NumPy function per update rule, with a TODO
    worksheets/<name>.toml    [[question]] tables whose `answer = ""` the learner fills in
    workspace/                README.md and .github/workflows/classroom.yml for `tutor init`

The answer keys of the worksheets are deliberately not here: they live in `grader/keys/`, so that
a learner's copy never contains them. docs/exercises.md describes the contract.
"""
