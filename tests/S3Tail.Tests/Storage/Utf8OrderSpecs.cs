using System.Text;
using S3Tail.Storage;

namespace S3Tail.Tests.Storage;

public sealed class Utf8OrderSpecs
{
    private static int ByBytes(string a, string b) => Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b));

    [Theory]
    [InlineData("a/b", "a-c")]
    [InlineData("a.txt", "a/b")]
    [InlineData("app.log", "app.log.1")]
    [InlineData("\uE000", "🪵")]      // ordinal UTF-16 comparison gets this one wrong
    [InlineData("\uFFFD", "\U00010000")]
    [InlineData("é", "z")]
    public void Should_agree_with_utf8_byte_order(string a, string b)
    {
        Assert.Equal(Math.Sign(ByBytes(a, b)), Math.Sign(Utf8Order.Instance.Compare(a, b)));
        Assert.Equal(Math.Sign(ByBytes(b, a)), Math.Sign(Utf8Order.Instance.Compare(b, a)));
    }

    [Fact]
    public void Should_agree_with_utf8_byte_order_on_random_strings()
    {
        var random = new Random(11);
        char[] alphabet = ['a', '/', '-', '.', 'é', '\uE000', '\uFFFF', '日'];
        string Make() => random.Next(4) == 0 ? "🪵" + new string(alphabet[random.Next(alphabet.Length)], 1)
            : new string(Enumerable.Range(0, random.Next(1, 6)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
        for (int i = 0; i < 2000; i++)
        {
            string a = Make(), b = Make();
            Assert.Equal(Math.Sign(ByBytes(a, b)), Math.Sign(Utf8Order.Instance.Compare(a, b)));
        }
    }
}
