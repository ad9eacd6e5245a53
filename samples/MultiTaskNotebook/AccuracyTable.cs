/// <summary>Prints test accuracy per task (rows) and system (columns), plus the mean over tasks.</summary>
internal static class AccuracyTable
{
    public static void Print(IReadOnlyList<string> tasks, IReadOnlyList<(string System, IReadOnlyDictionary<string, double> Accuracy)> columns,
        IReadOnlyDictionary<string, int> testRows)
    {
        var taskWidth = Math.Max("mean".Length, tasks.Max(t => t.Length));
        var widths = columns.Select(c => Math.Max(c.System.Length, 6)).ToArray();
        string Row(string first, string rows, IEnumerable<string> cells)
            => "| " + first.PadRight(taskWidth) + " | " + rows.PadLeft(4) + " | "
               + string.Join(" | ", cells.Select((c, i) => c.PadLeft(widths[i]))) + " |";

        Console.WriteLine(Row("task", "test", columns.Select(c => c.System)));
        Console.WriteLine("|" + new string('-', taskWidth + 2) + "|-----:|" + string.Join("|", widths.Select(w => new string('-', w + 1) + ":")) + "|");
        foreach (var task in tasks)
            Console.WriteLine(Row(task, testRows[task].ToString(), columns.Select(c => c.Accuracy[task].ToString("F3"))));
        Console.WriteLine(Row("mean", testRows.Values.Sum().ToString(), columns.Select(c => tasks.Average(t => c.Accuracy[t]).ToString("F3"))));
    }
}
