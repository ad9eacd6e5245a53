using Microsoft.ML.Alter.Data;

/// <summary>The train, dev and test rows of every task in a benchmark-format folder (via the library's TaskFolder reader).</summary>
internal sealed record TaskData(IReadOnlyList<string> Tasks, List<TaskRow> Train, List<TaskRow> Dev, List<TaskRow> Test)
{
    public static TaskData Load(string root, int? rowsPerTaskAndSplit)
    {
        var tasks = TaskFolder.Tasks(root);
        List<TaskRow> Split(string split) => TaskFolder.Read(root, split, tasks)
            .GroupBy(e => e.Task)
            // --quick keeps the first rows of each task: the files are shuffled, so that is a fair sample.
            .SelectMany(g => rowsPerTaskAndSplit is { } n ? g.Take(n) : g)
            .Select(e => new TaskRow { Task = e.Task, Sentence1 = e.Text, Sentence2 = e.Text2 ?? "", Label = e.Label })
            .ToList();
        return new TaskData(tasks, Split("train"), Split("dev"), Split("test"));
    }

    /// <summary>True when some task has a second sentence: only then does the trainer get a Sentence2 column.</summary>
    public bool HasPairs => Train.Any(r => r.Sentence2.Length > 0);
}
