namespace Microsoft.ML.Alter.Text;

/// <summary>One tokenized input, with [CLS]/[SEP] already in place, before padding.</summary>
/// <param name="InputIds">Token ids.</param>
/// <param name="TokenTypeIds">0 for [CLS], the first text and its [SEP]; 1 for the second text and its [SEP].</param>
internal sealed record EncodedInput(int[] InputIds, int[] TokenTypeIds)
{
    public int Length => InputIds.Length;
}
