using Microsoft.ML.Alter.Data;

namespace Microsoft.ML.Alter.Tests;

/// <summary>
/// Small multi-task data written by the tests: three tasks whose labels follow clearly from the words used
/// (sentiment, topic, question type) and two sentence-pair tasks (same or different meaning; a copy or not), balanced,
/// seeded.
/// </summary>
internal static class SyntheticTasks
{
    private static readonly string[] Subjects = { "the movie", "the film", "this book", "the show", "the play", "the album", "the game", "the meal" };
    private static readonly string[] Adverbs = { "really", "quite", "very", "so", "truly", "rather" };
    private static readonly string[] Positive = { "great", "wonderful", "excellent", "lovely", "brilliant", "good", "fun", "charming" };
    private static readonly string[] Negative = { "awful", "terrible", "boring", "horrible", "dreadful", "bad", "dull", "weak" };

    private static readonly (string Label, string[] Words)[] Topics =
    {
        // Four words a topic: a random tiny encoder sees each often enough in a few dozen rows to learn it.
        ("sports", new[] { "team", "match", "goal", "league" }),
        ("money", new[] { "bank", "market", "price", "tax" }),
        ("weather", new[] { "rain", "snow", "storm", "fog" }),
    };
    private static readonly string[] TopicFrames = { "news about the {0} and the {1}", "today the {0} was in the news", "a report on the {0} and {1}", "people talk about the {0}" };

    private static readonly (string Label, string Start)[] Questions = { ("person", "who"), ("place", "where"), ("time", "when") };
    private static readonly string[] QuestionEnds = { "is the show", "was the match", "did the team win", "does the bank open", "was the book written", "is the play", "did the storm start", "was the game" };

    private static readonly string[] PairSubjects = { "the team", "the bank", "the player", "the coach", "the market", "the show" };
    // A verb in the past and its plain form, for the second sentence ("did indeed win" / "did not win").
    private static readonly (string Past, string Plain)[] Verbs = { ("won", "win"), ("began", "begin"), ("ended", "end"), ("grew", "grow") };

    /// <summary>Every word the generator uses, for a tiny test vocabulary.</summary>
    public static IEnumerable<string> Words()
        => Subjects.Concat(Adverbs).Concat(Positive).Concat(Negative)
            .Concat(Topics.SelectMany(t => t.Words)).Concat(TopicFrames).Concat(Questions.Select(q => q.Start)).Concat(QuestionEnds)
            .Concat(PairSubjects).Concat(Verbs.SelectMany(v => new[] { v.Past, v.Plain }))
            .Concat(new[] { "was", "the", "and", "yesterday", "today", "did", "not", "indeed" })
            .SelectMany(s => s.Replace("{0}", " ").Replace("{1}", " ").Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Distinct();

    public static List<LabeledExample> Sentiment(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            var positive = i % 2 == 0;
            var words = positive ? Positive : Negative;
            var text = $"{Pick(random, Subjects)} was {Pick(random, Adverbs)} {Pick(random, words)}";
            return new LabeledExample("sentiment", text, null, positive ? "positive" : "negative");
        }).ToList();
    }

    public static List<LabeledExample> Topic(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            var (label, words) = Topics[i % Topics.Length];
            var text = string.Format(System.Globalization.CultureInfo.InvariantCulture, Pick(random, TopicFrames), Pick(random, words), Pick(random, words));
            return new LabeledExample("topic", text, null, label);
        }).ToList();
    }

    public static List<LabeledExample> Question(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            var (label, start) = Questions[i % Questions.Length];
            return new LabeledExample("question", $"{start} {Pick(random, QuestionEnds)}", null, label);
        }).ToList();
    }

    /// <summary>
    /// Pairs: the second sentence affirms the first (same: "the team did indeed win today") or denies it (different:
    /// "... did not win ..."). Both have the same number of tokens: training batches are sorted by length, so a length
    /// that gave the label away would fill batches with one label, and few steps would then learn only the bias (an
    /// earlier form, "did not win" against a one-word synonym, stayed at chance on MiniLM).
    /// </summary>
    public static List<LabeledExample> Paraphrase(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(i =>
        {
            var subject = Pick(random, PairSubjects);
            var (past, plain) = Pick(random, Verbs);
            var same = i % 2 == 0;
            var when = Pick(random, new[] { "yesterday", "today" });
            return new LabeledExample("paraphrase", $"{subject} {past} {when}", $"{subject} did {(same ? "indeed" : "not")} {plain} {when}", same ? "same" : "different");
        }).ToList();
    }

    /// <summary>
    /// Pairs: the second sentence is a copy of the first (same) or another sentence of the same form (different: a
    /// subject, verb and time drawn again until the sentence differs), so only comparing the two gives the label.
    /// </summary>
    public static List<LabeledExample> Copies(int count, int seed)
    {
        var random = new Random(seed);
        string Sentence() => $"{Pick(random, PairSubjects)} {Pick(random, Verbs).Past} {Pick(random, new[] { "yesterday", "today" })}";
        return Enumerable.Range(0, count).Select(i =>
        {
            var first = Sentence();
            var same = i % 2 == 0;
            var second = first;
            while (!same && second == first)
                second = Sentence();
            return new LabeledExample("copy", first, second, same ? "same" : "different");
        }).ToList();
    }

    /// <summary>Sentiment, topic and question rows, interleaved.</summary>
    public static List<LabeledExample> ThreeTasks(int perTask, int seed)
        => Sentiment(perTask, seed).Concat(Topic(perTask, seed + 1)).Concat(Question(perTask, seed + 2)).ToList();

    private static T Pick<T>(Random random, T[] items) => items[random.Next(items.Length)];
}
