/*
 * What the tablet keeps, in IndexedDB through the idb wrapper (vendored from npm by `make vendor`):
 *
 *   settings  key -> value: the device tokens by account, the open draft, the sites
 *   surveys   "slug@version" -> {key, slug, version, definition, current}; older versions stay
 *             while a draft or a waiting record still needs them
 *   records   uuid -> one interview, from its first answer until the server has it:
 *             draft -> pending -> sending -> sent | conflict | failed (invalid); the files that
 *             answer its photo and recording questions are in it too, as Blobs, under
 *             media[question] = {file, name, type, size} (media-answers.js)
 *
 * A record's payload is frozen when the interview is finished, so that a resend is byte for byte
 * the same submission and the server answers "duplicate". Once the server has a record, its
 * answers are dropped from the tablet: a lost tablet then holds no testimony already delivered.
 * Its files go with them.
 *
 * A queue file carries no file: a record whose answers name one stays on the tablet, waiting for a
 * connection, and the app says how many were left out (a photo or a recording in base64 would make
 * a file too large to import, and the administrator's import takes JSON only).
 */
(function (global) {
  'use strict';

  var NAME = 'voces-field';
  var VERSION = 1;
  var UNSENT = ['pending', 'sending', 'failed'];
  var opening = null;

  function open() {
    if (!opening) {
      opening = global.idb.openDB(NAME, VERSION, {
        upgrade: function (db) {
          db.createObjectStore('settings');
          db.createObjectStore('surveys', { keyPath: 'key' });
          db.createObjectStore('records', { keyPath: 'uuid' }).createIndex('status', 'status');
        },
        blocking: function () {
          // A newer version of the app wants to upgrade the database: let it, and reopen later.
          opening.then(function (db) { db.close(); });
          opening = null;
        },
        terminated: function () { opening = null; }
      });
    }
    return opening;
  }

  function now() {
    return new Date().toISOString();
  }

  function getSetting(key) {
    return open().then(function (db) { return db.get('settings', key); });
  }

  function setSetting(key, value) {
    return open().then(function (db) { return db.put('settings', value, key); });
  }

  function surveyKey(slug, version) {
    return slug + '@' + version;
  }

  // The server's current surveys replace the current ones; an older version is deleted unless
  // a draft or an unsent record still refers to it.
  function replaceSurveys(surveys) {
    return open().then(function (db) {
      var tx = db.transaction(['surveys', 'records'], 'readwrite');
      var store = tx.objectStore('surveys');
      return Promise.all([store.getAll(), tx.objectStore('records').getAll()]).then(function (found) {
        var needed = {};
        found[1].forEach(function (record) {
          if (record.status !== 'sent' && record.status !== 'conflict') {
            needed[surveyKey(record.survey, record.version)] = true;
          }
        });
        var fresh = {};
        var writes = surveys.map(function (survey) {
          var key = surveyKey(survey.slug, survey.version);
          fresh[key] = true;
          return store.put({
            key: key, slug: survey.slug, version: String(survey.version),
            definition: survey.definition, current: 1
          });
        });
        found[0].forEach(function (old) {
          if (fresh[old.key]) {
            return;
          }
          writes.push(needed[old.key] ? store.put(Object.assign({}, old, { current: 0 })) : store.delete(old.key));
        });
        writes.push(tx.done);
        return Promise.all(writes);
      });
    });
  }

  function currentSurveys() {
    return open().then(function (db) { return db.getAll('surveys'); }).then(function (all) {
      return all.filter(function (survey) { return survey.current; });
    });
  }

  function getSurvey(slug, version) {
    return open().then(function (db) { return db.get('surveys', surveyKey(slug, String(version))); });
  }

  function getRecord(uuid) {
    return open().then(function (db) { return db.get('records', uuid); });
  }

  // Committed at once rather than when the page gets round to it, so that a reload right after a
  // keystroke keeps it. A finished interview, and every step of its sending, is written to disk
  // before the promise resolves ('strict'); a draft's keystrokes may wait for the next flush.
  function saveRecord(record) {
    record.updated_at = now();
    var durability = record.status === 'draft' ? 'relaxed' : 'strict';
    return open().then(function (db) {
      var tx = db.transaction('records', 'readwrite', { durability: durability });
      tx.store.put(record);
      if (tx.commit) {
        tx.commit();
      }
      return tx.done;
    }).then(function () { return record; });
  }

  function deleteRecord(uuid) {
    return open().then(function (db) { return db.delete('records', uuid); });
  }

  function allRecords() {
    return open().then(function (db) { return db.getAll('records'); }).then(function (records) {
      return records.sort(function (a, b) { return (a.created_at < b.created_at) ? -1 : 1; });
    });
  }

  function recordsWithStatus(status) {
    return open().then(function (db) { return db.getAllFromIndex('records', 'status', status); });
  }

  // Mark up to `limit` waiting records of one account as being sent, in one transaction, so that
  // two tabs never pick the same record (the server would still only count it once).
  function claimForSending(user, limit) {
    return open().then(function (db) {
      var tx = db.transaction('records', 'readwrite');
      return tx.store.index('status').getAll('pending').then(function (pending) {
        var batch = pending.filter(function (record) { return record.user === user; })
          .sort(function (a, b) { return (a.finished_at < b.finished_at) ? -1 : 1; })
          .slice(0, limit);
        batch.forEach(function (record) {
          record.status = 'sending';
          record.updated_at = now();
          tx.store.put(record);
        });
        return tx.done.then(function () { return batch; });
      });
    });
  }

  // Records left "sending" by a page that closed mid-request go back to the queue.
  function releaseSending() {
    return recordsWithStatus('sending').then(function (records) {
      return Promise.all(records.map(function (record) {
        record.status = 'pending';
        return saveRecord(record);
      }));
    });
  }

  // The server has it: keep what the queue shows, drop the answers.
  function delivered(record, status, result) {
    return saveRecord({
      uuid: record.uuid, user: record.user, survey: record.survey, version: record.version,
      site: record.site, language: record.language, created_at: record.created_at,
      started_at: record.started_at, finished_at: record.finished_at,
      status: status, result: result
    });
  }

  // The files a finished record sends, by question: those its answers still name (a question that
  // stopped applying sends neither its answer nor its file).
  function filesToSend(record) {
    var files = {};
    var answers = (record.payload && record.payload.answers) || {};
    Object.keys(record.media || {}).forEach(function (name) {
      if (answers[name] && answers[name] === record.media[name].name) {
        files[name] = record.media[name];
      }
    });
    return files;
  }

  function hasFiles(record) {
    return Object.keys(filesToSend(record)).length > 0;
  }

  // What an administrator imports: the records the server does not have yet, as the API takes them,
  // but those with files, which only the tablet sends (counted in withFiles).
  function queueFile() {
    return allRecords().then(function (records) {
      var unsent = records.filter(function (record) { return UNSENT.indexOf(record.status) >= 0; });
      return {
        records: unsent.filter(function (record) { return !hasFiles(record); })
          .map(function (record) { return record.payload; }),
        withFiles: unsent.filter(hasFiles).length
      };
    });
  }

  global.VocesStore = {
    open: open,
    getSetting: getSetting,
    setSetting: setSetting,
    replaceSurveys: replaceSurveys,
    currentSurveys: currentSurveys,
    getSurvey: getSurvey,
    getRecord: getRecord,
    saveRecord: saveRecord,
    deleteRecord: deleteRecord,
    allRecords: allRecords,
    recordsWithStatus: recordsWithStatus,
    claimForSending: claimForSending,
    releaseSending: releaseSending,
    delivered: delivered,
    filesToSend: filesToSend,
    hasFiles: hasFiles,
    queueFile: queueFile
  };
})(self);
