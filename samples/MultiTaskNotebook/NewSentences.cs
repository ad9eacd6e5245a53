/// <summary>
/// Sentences written for this demo, none of them in the bundled data, to show the reloaded model on text it never saw.
/// For a --data folder with other tasks, the first test rows of each task stand in.
/// </summary>
internal static class NewSentences
{
    private static readonly TaskRow[] Written =
    {
        new() { Task = "reviews", Sentence1 = "The blender is loud, but it crushes ice in seconds and I use it every morning." },
        new() { Task = "reviews", Sentence1 = "Stopped charging after two weeks and the seller ignores my emails." },
        new() { Task = "reviews", Sentence1 = "Honestly not what I expected from the photos, the fabric feels cheap." },
        new() { Task = "news", Sentence1 = "Harbour City striker scores twice as the league leaders extend their unbeaten run." },
        new() { Task = "news", Sentence1 = "Startup unveils a battery that recharges an electric scooter in five minutes." },
        new() { Task = "news", Sentence1 = "Shares in the regional airline fall after it cuts its profit forecast." },
        new() { Task = "intent", Sentence1 = "I typed my password three times and now the site says my account is locked." },
        new() { Task = "intent", Sentence1 = "Does this kettle work with UK plugs, or do I need an adapter?" },
        new() { Task = "intent", Sentence1 = "The tracking page hasn't changed since Tuesday, is my parcel lost?" },
        new() { Task = "paraphrase", Sentence1 = "The meeting was moved to Friday afternoon.", Sentence2 = "They rescheduled the meeting for Friday after lunch." },
        new() { Task = "paraphrase", Sentence1 = "The museum opens at nine on weekdays.", Sentence2 = "The museum closes at nine on weekdays." },
        new() { Task = "paraphrase", Sentence1 = "Anna lent Tom her bicycle.", Sentence2 = "Tom lent Anna his bicycle." },
    };

    public static IEnumerable<TaskRow> For(TaskData data) => data.Tasks.SelectMany(task =>
    {
        var written = Written.Where(r => r.Task == task).ToList();
        return written.Count > 0
            ? written
            : data.Test.Where(r => r.Task == task).Take(3).Select(r => new TaskRow { Task = r.Task, Sentence1 = r.Sentence1, Sentence2 = r.Sentence2 });
    });
}
