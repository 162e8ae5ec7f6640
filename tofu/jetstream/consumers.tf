# The recorder's durable pull consumer: redelivers until acknowledged (max_delivery -1), so a
# recorder that cannot write to MySQL loses nothing. max_ack_pending: two batches of 500 on their
# way for each of three recorders, with room to spare.
resource "jetstream_consumer" "answers_consumer" {
  stream_id       = jetstream_stream.answers.id
  durable_name    = "answers-consumer"
  description     = "the recorder: significant answers into MySQL"
  deliver_all     = true
  filter_subject  = "answers.significant"
  ack_policy      = "explicit"
  ack_wait        = 10
  max_delivery    = -1
  max_ack_pending = 4000
}
